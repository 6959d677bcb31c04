// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Latency samples per CRI method, with median and p99 for the report. Thread-safe. */
public final class CallTimings {

  /** Summary of one method's samples. */
  public record Summary(String method, int count, Duration median, Duration p99, Duration max) {
    @Override
    public String toString() {
      return "%-16s n=%-4d median=%7.1f ms  p99=%7.1f ms  max=%7.1f ms"
          .formatted(method, count, millis(median), millis(p99), millis(max));
    }

    private static double millis(Duration d) {
      return d.toNanos() / 1e6;
    }
  }

  private final Map<String, List<Duration>> samples = new ConcurrentHashMap<>();

  /** Records one call of {@code method} that took {@code elapsed}. */
  public void record(String method, Duration elapsed) {
    List<Duration> list = samples.computeIfAbsent(method, k -> new ArrayList<>());
    synchronized (list) {
      list.add(elapsed);
    }
  }

  /** Samples of {@code method} so far, in call order (empty when never called). */
  public List<Duration> samples(String method) {
    List<Duration> list = samples.getOrDefault(method, List.of());
    synchronized (list) {
      return List.copyOf(list);
    }
  }

  /** Summary of {@code method}; nearest-rank percentiles. */
  public Summary summary(String method) {
    List<Duration> sorted = new ArrayList<>(samples(method));
    if (sorted.isEmpty()) {
      throw new IllegalArgumentException("no samples for " + method);
    }
    sorted.sort(null);
    return new Summary(
        method, sorted.size(), percentile(sorted, 50), percentile(sorted, 99), sorted.getLast());
  }

  /** One summary per method, sorted by method name. */
  public List<Summary> summaries() {
    return new TreeMap<>(samples).keySet().stream().map(this::summary).toList();
  }

  private static Duration percentile(List<Duration> sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
