// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The resident memory ({@code VmRSS}) of one process over time, sampled on its own thread every
 * {@code period}; each point carries the phase named last by {@link #phase}. Thread-safe.
 */
final class RssCurve implements AutoCloseable {

  /** One sample: milliseconds since the start, the phase, VmRSS in KiB. */
  record Point(long millis, String phase, long rssKib) {
    String csv() {
      return millis + "," + phase + "," + rssKib;
    }
  }

  static final String CSV_HEADER = "ms,phase,rss_kib";

  private final long pid;
  private final long begin = System.nanoTime();
  private final List<Point> points = new ArrayList<>();
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("rss-sampler").daemon().factory());
  private String phase;

  private RssCurve(long pid, String phase) {
    this.pid = pid;
    this.phase = phase;
  }

  /** Starts sampling {@code pid}, the first points in {@code phase}. */
  static RssCurve start(long pid, String phase, Duration period) {
    RssCurve curve = new RssCurve(pid, phase);
    curve.sampler.scheduleAtFixedRate(curve::sample, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return curve;
  }

  /** Samples now and tags the next points with {@code name}. */
  void phase(String name) {
    sample();
    synchronized (this) {
      phase = name;
    }
  }

  private void sample() {
    long rss = ProcessSample.of(pid).rssKib();
    long millis = (System.nanoTime() - begin) / 1_000_000;
    synchronized (this) {
      points.add(new Point(millis, phase, rss));
    }
  }

  synchronized List<Point> points() {
    return List.copyOf(points);
  }

  /** The highest VmRSS of each phase, in KiB, phases in the order they began. */
  synchronized Map<String, Long> maxByPhase() {
    Map<String, Long> max = new LinkedHashMap<>();
    for (Point p : points) {
      max.merge(p.phase(), p.rssKib(), Math::max);
    }
    return max;
  }

  /** The highest VmRSS of all points, in KiB. */
  synchronized long max() {
    return points.stream().mapToLong(Point::rssKib).max().orElseThrow();
  }

  /** Stops sampling after one last point. */
  @Override
  public void close() {
    sampler.shutdown();
    try {
      if (!sampler.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("rss sampler did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the rss sampler", e);
    }
    sample();
  }

  /** The points as CSV lines, header first. */
  synchronized List<String> csv() {
    List<String> lines = new ArrayList<>(List.of(CSV_HEADER));
    points.forEach(p -> lines.add(p.csv()));
    return lines;
  }
}
