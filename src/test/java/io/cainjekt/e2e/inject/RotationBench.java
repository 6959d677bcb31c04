// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.CallTimings;
import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.tls.Client;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.cainjekt.e2e.tls.TlsServers;
import io.cainjekt.e2e.tls.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 19 and 24: {@value #RUNNING} running opted-in debian-tls containers converge on a bundle
 * change, four times in a row: one CA to another (twice), one CA to {@value #LARGE}, and {@value
 * #LARGE} to {@value #LARGE} others (every CA rotated out and in). Measured per change: from the
 * atomic rename of the bundle file until the plugin's "trust: bundle loaded" line and its first and
 * last ({@value #RUNNING}th) "inject: rotated" line, read from the time stamps of the plugin's log
 * (same machine, same clock); the plugin's CPU time, its VmRSS afterwards and its live heap after a
 * full collection. In the second one-CA change and in the {@value #LARGE}-to-{@value #LARGE} one,
 * {@value #STARTS} new opted-in containers start one after the other right after the rename, and
 * {@value #STARTS} just before it with nothing converging ({@link StartBatch}). Asserted: every
 * container rotated, each one's stores hold the new CAs and none of the removed ones (one exec per
 * container, {@link TrustStoreProbe}), a TLS check on one container, no "inject: rotation failed",
 * no lost runtime connection. Writes {@code target/bench/rotation.json}. Confined to the test
 * thread, apart from the probes.
 */
@ExtendWith(ContainerdExtension.class)
class RotationBench {

  static final int RUNNING = 50;
  static final int STARTS = 20;
  static final int LARGE = 300;
  private static final String ROTATED = "inject: rotated";
  private static final Duration CONVERGENCE_TIMEOUT = Duration.ofMinutes(4);
  private static final int PROBE_THREADS = 4;

  /** One bundle change: the containers hold {@code from} and must end up with {@code to}. */
  private record Scenario(String name, RotationCas from, RotationCas to, boolean starts) {}

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  private Containerd containerd;
  private String image;
  private InjectingPlugin plugin;
  private TlsServers servers;
  private int imageBlocks;
  private final List<RunningPod> running = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  @Test
  void fiftyRunningContainersConvergeOnEveryBundleChange(Containerd ctrd) throws Exception {
    containerd = ctrd;
    image = BenchImages.reference(containerd, "debian-tls");
    BenchReport r =
        new BenchReport(
            "rotation",
            RUNNING + " running debian-tls containers converge on a bundle change",
            containerd);
    try (StagingTmpfs staging = StagingTmpfs.mount(work);
        InjectingPlugin p = ProductionJvm.plugin(containerd, work);
        TlsServers s = TlsServers.start()) {
      assertThat(p.stagingDir()).isEqualTo(staging.dir());
      plugin = p;
      servers = s;
      long mark = plugin.logMark();
      measure(r);
      List<String> log = plugin.process().log().linesSince(mark);
      r.put("rotation_failed", PluginLog.count(log, "inject: rotation failed"));
      r.put("inject_failed", PluginLog.count(log, "inject: failed"));
      r.put("runtime_disconnects", PluginLog.count(log, "nri: connection lost"));
      r.put("problem_count", problems.size());
      r.put("problems", List.copyOf(problems.subList(0, Math.min(problems.size(), 20))));
      r.write(containerd.basedir());
      assertThat(problems).isEmpty();
      assertThat(PluginLog.count(log, "inject: rotation failed")).isZero();
      assertThat(PluginLog.count(log, "inject: failed")).isZero();
      assertThat(PluginLog.count(log, "nri: connection lost")).isZero();
    } finally {
      running.forEach(RunningPod::close);
    }
  }

  /** The running containers, then the four bundle changes. */
  private void measure(BenchReport r) throws Exception {
    Path dir = Files.createDirectories(work.resolve("cas"));
    RotationCas corp = RotationCas.of("corp-ca", dir, Ca.CORP_CA, 1);
    RotationCas corp2 = RotationCas.of("corp-ca2", dir, Ca.CORP_CA2, 1);
    RotationCas large = RotationCas.of("large-a", dir, Ca.CORP_CA2, LARGE);
    RotationCas large2 = RotationCas.of("large-b", dir, Ca.CORP_CA, LARGE);
    startRunning(r, corp, corp2);
    r.put("timing", "plugin log time stamps (ms) minus the test's clock just before the rename");
    r.put("generated_cas", "EC P-256, self-signed; each version also holds one fixture CA");
    Map<String, Object> scenarios = new LinkedHashMap<>();
    r.put("scenarios", scenarios);
    scenarios.put("a_1_to_1", rotate(new Scenario("a", corp, corp2, false)));
    scenarios.put("a2_1_to_1", rotate(new Scenario("a2", corp2, corp, true)));
    scenarios.put("b_1_to_300", rotate(new Scenario("b", corp, large, false)));
    scenarios.put("c_300_to_300", rotate(new Scenario("c", large, large2, true)));
    r.put("plugin_rss_peak_mib", BenchReport.mib(peakRssKib() * 1024));
  }

  /**
   * Starts the {@value #RUNNING} containers with {@code first}, waits until all are injected and
   * learns how many certificates the image's own bundle holds.
   */
  private void startRunning(BenchReport r, RotationCas first, RotationCas other) {
    long mark = plugin.logMark();
    long begin = System.nanoTime();
    for (int i = 0; i < RUNNING; i++) {
      running.add(
          RunningPod.start(
              containerd.cri(),
              PodSpec.of("e2e-rotation", "rotation-" + i)
                  .withAnnotations(Map.of("cainjekt.io/enabled", "true")),
              ContainerSpec.of("app", image).withCommand("sleep", "infinity")));
    }
    List<String> log =
        PluginLog.settled(plugin.process().log(), mark, RUNNING, Duration.ofSeconds(30));
    r.put("running", RUNNING);
    r.put("running_injected", PluginLog.injectedWithoutFailure(log));
    r.put("running_started_s", (System.nanoTime() - begin) / 1_000_000 / 1000.0);
    r.put("plugin_rss_mib_before", BenchReport.mib(rssKib() * 1024));
    TrustStoreProbe probe =
        TrustStoreProbe.of(containerd.cri(), running.getFirst().containerId(), first, other);
    imageBlocks = probe.bundleBlocks() - probe.currentInBundle();
    r.put("image_bundle_certificates", imageBlocks);
    probe.problems(first, imageBlocks).forEach(p -> problems.add("before: " + p));
  }

  /**
   * Rotates the bundle from {@code s.from()} to {@code s.to()} and waits for every running
   * container's "inject: rotated" line; with {@code s.starts()}, starts a batch before the rename
   * and one right after it. Then checks every container. Returns the change's figures.
   */
  private Map<String, Object> rotate(Scenario s) throws Exception {
    StartBatch baseline = s.starts() ? baseline(s) : null;
    StartBatch meanwhile =
        s.starts() ? StartBatch.inNewPod(containerd, plugin, "meanwhile-" + s.name()) : null;
    long pid = plugin.process().pid();
    long mark = plugin.logMark();
    long cpu = ProcessSample.cpuMillis(pid);
    Instant renamed = plugin.replaceBundle(s.to().bundle());
    if (meanwhile != null) {
      meanwhile.startAll(STARTS, image);
    }
    Set<String> pods =
        running.stream().map(p -> p.pod().name()).collect(Collectors.toUnmodifiableSet());
    List<String> log =
        PluginLog.awaitPods(plugin.process().log(), mark, ROTATED, pods, CONVERGENCE_TIMEOUT);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("cas_before", s.from().size());
    f.put("cas_after", s.to().size());
    Instant last = putConvergence(f, log, renamed, pods);
    f.put("plugin_cpu_ms", ProcessSample.cpuMillis(pid) - cpu);
    f.put("plugin_rss_mib", BenchReport.mib(rssKib() * 1024));
    f.put(
        "plugin_live_heap_mib", BenchReport.mib(ProcessSample.liveHeapKibAfterFullGc(pid) * 1024));
    f.put("rotation_failed", PluginLog.count(log, "inject: rotation failed"));
    List<String> ids = running.stream().map(RunningPod::containerId).toList();
    f.put("verified", verify(s.name(), ids, s.to(), s.from()));
    f.put("tls_checks_passed", tlsCheck(s));
    if (meanwhile != null) {
      f.put("starts", starts(s, baseline, meanwhile, last));
      meanwhile.remove();
    }
    return f;
  }

  /**
   * {@value #STARTS} containers started before the change, nothing converging; removed again, as
   * their containers would converge too.
   */
  private StartBatch baseline(Scenario s) {
    StartBatch baseline = StartBatch.inNewPod(containerd, plugin, "baseline-" + s.name());
    baseline.startAll(STARTS, image);
    baseline.handlingMillis(plugin); // waits for the batch's log lines
    baseline.remove();
    return baseline;
  }

  /**
   * The times from the rename to the bundle's load and to the first and last rotated line; returns
   * the time of the last.
   */
  private Instant putConvergence(
      Map<String, Object> f, List<String> log, Instant renamed, Set<String> pods) {
    Map<String, Instant> rotated = PluginLog.timesByPod(log, ROTATED);
    rotated.keySet().retainAll(pods);
    f.put("converged", rotated.size());
    if (rotated.size() < pods.size()) {
      problems.add("only " + rotated.size() + " of " + pods.size() + " containers rotated");
    }
    Instant loaded = PluginLog.firstTime(log, "trust: bundle loaded").orElse(renamed);
    Instant first = rotated.values().stream().min(Instant::compareTo).orElse(renamed);
    Instant last = rotated.values().stream().max(Instant::compareTo).orElse(renamed);
    f.put("rename_to_bundle_loaded_ms", Duration.between(renamed, loaded).toMillis());
    f.put("rename_to_first_rotated_ms", Duration.between(renamed, first).toMillis());
    f.put("rename_to_last_rotated_ms", Duration.between(renamed, last).toMillis());
    f.put(
        "per_container_ms",
        Math.round(Duration.between(loaded, last).toMillis() * 10.0 / RUNNING) / 10.0);
    return last;
  }

  /**
   * CRI StartContainer of the batch started before the rename and of the one started after it,
   * counting only those of the second that were running before the last container converged; their
   * ratio; the plugin's own handling of both. Checks the second batch's containers too.
   */
  private Map<String, Object> starts(
      Scenario s, StartBatch baseline, StartBatch meanwhile, Instant lastRotated) throws Exception {
    CallTimings during = meanwhile.startsEndedBy(lastRotated);
    List<Double> baselineHandling = baseline.handlingMillis(plugin);
    List<Double> handling = meanwhile.handlingMillis(plugin);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("started_meanwhile", STARTS);
    m.put("running_before_last_rotated", during.samples("StartContainer").size());
    m.put("start_baseline", BenchReport.latency(baseline.timings(), "StartContainer"));
    m.put("start_during_convergence", BenchReport.latency(during, "StartContainer"));
    m.put("start_meanwhile_all", BenchReport.latency(meanwhile.timings(), "StartContainer"));
    if (!during.samples("StartContainer").isEmpty()) {
      m.put(
          "start_median_ratio",
          BenchReport.ratio(during, baseline.timings(), "StartContainer", true));
      m.put(
          "start_p99_ratio",
          BenchReport.ratio(during, baseline.timings(), "StartContainer", false));
    }
    m.put("create_baseline", BenchReport.latency(baseline.timings(), "CreateContainer"));
    m.put("create_meanwhile", BenchReport.latency(meanwhile.timings(), "CreateContainer"));
    m.put("plugin_handling_baseline_median_ms", BenchReport.percentile(baselineHandling, 0.5));
    m.put("plugin_handling_baseline_max_ms", BenchReport.percentile(baselineHandling, 1));
    m.put("plugin_handling_meanwhile_median_ms", BenchReport.percentile(handling, 0.5));
    m.put("plugin_handling_meanwhile_max_ms", BenchReport.percentile(handling, 1));
    m.put("verified", verify(s.name() + " started meanwhile", meanwhile.ids(), s.to(), s.from()));
    return m;
  }

  /** Probes every container of {@code ids}, a few at a time; returns how many hold {@code to}. */
  private int verify(String what, List<String> ids, RotationCas to, RotationCas from)
      throws Exception {
    List<Future<List<String>>> results = new ArrayList<>();
    try (ExecutorService threads =
        Executors.newFixedThreadPool(
            PROBE_THREADS, Thread.ofPlatform().name("rotation-probe-", 0).factory())) {
      for (String id : ids) {
        results.add(
            threads.submit(
                () ->
                    TrustStoreProbe.of(containerd.cri(), id, to, from).problems(to, imageBlocks)));
      }
    }
    int verified = 0;
    for (int i = 0; i < ids.size(); i++) {
      List<String> p = results.get(i).get();
      String id = ids.get(i);
      p.forEach(x -> problems.add(what + " " + id + ": " + x));
      verified += p.isEmpty() ? 1 : 0;
    }
    return verified;
  }

  /**
   * tls-check's OS-level clients in the first container: the new fixture CA is trusted and the
   * removed one is not, with the container's environment and with the OS store alone.
   */
  private boolean tlsCheck(Scenario s) {
    RunningPod pod = running.getFirst();
    boolean passed = true;
    for (List<String> prefix : List.of(List.<String>of(), TrustChecks.WITHOUT_CAINJEKT_ENV)) {
      passed &= expect(s, pod, s.to().fixture(), Verdict.TRUSTED, prefix);
      passed &= expect(s, pod, s.from().fixture(), Verdict.UNTRUSTED, prefix);
    }
    return passed;
  }

  private boolean expect(Scenario s, RunningPod pod, Ca ca, Verdict expected, List<String> prefix) {
    Map<Client, Verdict> verdicts = TrustChecks.verdicts(pod, servers, ca, Client.OS_LEVEL, prefix);
    boolean ok =
        verdicts.keySet().equals(Client.OS_LEVEL)
            && verdicts.values().stream().allMatch(v -> v == expected);
    if (!ok) {
      problems.add(
          s.name() + " tls " + ca + " " + prefix + ": " + verdicts + ", expected " + expected);
    }
    return ok;
  }

  private long rssKib() {
    return ProcessSample.of(plugin.process().pid()).rssKib();
  }

  private long peakRssKib() {
    return ProcessSample.peakRssKib(plugin.process().pid());
  }
}
