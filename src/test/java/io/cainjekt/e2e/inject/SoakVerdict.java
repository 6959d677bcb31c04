// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.inject.Staging;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.assertj.core.api.SoftAssertions;

/**
 * The figures and leak verdict of a soak series. Windows: "early" is the 3 checkpoints after
 * warm-up (lifecycles 400, 500, 600: by then every code path ran hundreds of times and the JIT has
 * compiled the hot ones), "late" the last 3. A leak of one resource per lifecycle would add ~1400
 * between them; the tolerances below absorb what the JVM legitimately varies:
 *
 * <ul>
 *   <li>threads: {@value #THREAD_SLACK}. The virtual-thread scheduler adds carrier threads while
 *       requests block in file I/O and retires them after 30 s idle; with {@value SoakIT#WORKERS}
 *       concurrent lifecycles up to that many extra carriers can be alive.
 *   <li>file descriptors: {@value #FD_SLACK}. At a checkpoint no request is in flight; only an HTTP
 *       connection of a metrics scrape may still be closing.
 *   <li>live heap after a full GC: {@value #LIVE_HEAP_SLACK_KIB} KiB, i.e. under 3 KiB per
 *       lifecycle between the windows; per-container state the plugin keeps (view entry, lock,
 *       report) is larger than that, so a forgotten entry fails this.
 *   <li>RSS after the full GC: {@value #RSS_SLACK_KIB} KiB. Code cache and metaspace keep growing
 *       while the JIT compiles more paths, and G1 keeps some committed regions; a real heap leak is
 *       caught by the live-heap check first.
 * </ul>
 *
 * The early window takes the maximum and the late window the minimum, so a transient peak at the
 * end does not fail the run, while a steady growth does.
 */
final class SoakVerdict {

  static final int THREAD_SLACK = 4;

  /**
   * Blobs staging keeps while no container runs: the staged defaults of the one bundle (its bundle,
   * custom CAs, truststore and status.json), linked by the next CreateContainer.
   */
  static final int KEPT_DEFAULT_BLOBS =
      List.of(Staging.CA_BUNDLE, Staging.CUSTOM_CA, Staging.TRUSTSTORE, Staging.STATUS).size();

  static final int FD_SLACK = 2;
  static final long LIVE_HEAP_SLACK_KIB = 4096;
  static final long RSS_SLACK_KIB = 16384;
  private static final int WINDOW = 3;
  private static final int WARMUP_CHECKPOINTS = 3;

  private final ProcessSample idle;
  private final List<SoakSample> series;
  private final List<String> log;
  private final int workers;

  SoakVerdict(ProcessSample idle, List<SoakSample> series, List<String> pluginLog, int workers) {
    this.idle = idle;
    this.series = List.copyOf(series);
    this.log = List.copyOf(pluginLog);
    this.workers = workers;
  }

  long count(String msg) {
    return PluginLog.count(log, msg);
  }

  long injectedOk() {
    return PluginLog.injectedWithoutFailure(log);
  }

  int optedIn() {
    return lifecycles() / workers * (workers - 1);
  }

  int lifecycles() {
    return series.getLast().lifecycles();
  }

  long early(ToLongFunction<SoakSample> f) {
    return series.subList(WARMUP_CHECKPOINTS, WARMUP_CHECKPOINTS + WINDOW).stream()
        .mapToLong(f)
        .max()
        .orElseThrow();
  }

  long late(ToLongFunction<SoakSample> f) {
    return series.subList(series.size() - WINDOW, series.size()).stream()
        .mapToLong(f)
        .min()
        .orElseThrow();
  }

  BenchReport report(Containerd containerd, InjectingPlugin plugin) {
    BenchReport r =
        new BenchReport(
            "soak",
            lifecycles() + " container lifecycles, " + workers + " pods in parallel",
            containerd);
    r.put("lifecycles", lifecycles());
    r.put("opted_in", optedIn());
    r.put("injected_log_lines", injectedOk());
    r.put("skipped_log_lines", count("inject: skipped"));
    r.put("wall_s", series.getLast().elapsed().toMillis() / 1000.0);
    r.put("plugin_idle_after_sync", idle);
    r.put("plugin_rss_end_mib", BenchReport.mib(series.getLast().process().rssKib() * 1024));
    r.put("plugin_rss_after_gc_end_mib", BenchReport.mib(series.getLast().rssAfterGcKib() * 1024));
    r.put("windows", windows());
    r.put("series", "target/bench/soak-series.csv");
    return r;
  }

  /** Early-window maximum and late-window minimum of each resource. */
  private Map<String, Object> windows() {
    Map<String, Object> m = new LinkedHashMap<>();
    window(m, "threads", s -> s.process().threads());
    window(m, "fds", s -> s.process().fds());
    window(m, "rss_kib", s -> s.process().rssKib());
    window(m, "rss_after_gc_kib", SoakSample::rssAfterGcKib);
    window(m, "live_heap_kib", SoakSample::liveHeapKib);
    window(m, "host_mounts", SoakSample::hostMounts);
    return m;
  }

  private void window(Map<String, Object> m, String name, ToLongFunction<SoakSample> f) {
    Map<String, Long> w = new LinkedHashMap<>();
    w.put("early_max", early(f));
    w.put("late_min", late(f));
    m.put(name, w);
  }

  /** Fails with every violated check at once. */
  void assertNoLeaks() {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(injectedOk()).as("containers injected without failure").isEqualTo(optedIn());
    soft.assertThat(count("inject: skipped"))
        .as("not opted in")
        .isEqualTo(lifecycles() - optedIn());
    soft.assertThat(count("inject: failed")).as("inject: failed lines").isZero();
    soft.assertThat(count("nri: connection lost")).as("runtime disconnects").isZero();
    for (SoakSample s : series) {
      soft.assertThat(s.stagedDirs()).as("staged dirs at %d", s.lifecycles()).isZero();
      soft.assertThat(s.blobs())
          .as("blobs at %d: the kept defaults once a container was staged", s.lifecycles())
          .isEqualTo(s.lifecycles() == 0 ? 0 : KEPT_DEFAULT_BLOBS);
      soft.assertThat(s.hostMounts())
          .as("host mounts at %d", s.lifecycles())
          .isEqualTo(series.getFirst().hostMounts());
    }
    soft.assertThat(late(s -> s.process().threads()))
        .as("threads late vs early")
        .isLessThanOrEqualTo(early(s -> s.process().threads()) + THREAD_SLACK);
    soft.assertThat(late(s -> s.process().fds()))
        .as("fds late vs early")
        .isLessThanOrEqualTo(early(s -> s.process().fds()) + FD_SLACK);
    soft.assertThat(late(SoakSample::liveHeapKib))
        .as("live heap KiB late vs early")
        .isLessThanOrEqualTo(early(SoakSample::liveHeapKib) + LIVE_HEAP_SLACK_KIB);
    soft.assertThat(late(SoakSample::rssAfterGcKib))
        .as("RSS after GC KiB late vs early")
        .isLessThanOrEqualTo(early(SoakSample::rssAfterGcKib) + RSS_SLACK_KIB);
    soft.assertAll();
    assertThat(series).hasSize(lifecycles() / SoakIT.CHECKPOINT);
  }
}
