// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.daemon.BenchBundle;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: the plugin's memory with its content caches full. Containers of seven images that carry
 * CA bundles and Java stores (the five e2e/images families, and debian-tls with 100 and 300 more
 * CAs, whose trust files differ in their bytes only) are cycled through CRI in an opted-in pod, one
 * at a time (a second pod at once pushed 1000-CA starts past containerd's 2 s on two cores), while
 * the plugin's own bundle grows and shrinks: 1, 300, 1000 and 300 CAs ({@link BenchBundle}). Every
 * phase makes each image's first container run the whole pipeline again with new CAs, so the plan
 * memo, the content memo and the certificate caches (docs/architecture.md) fill up to their bounds
 * and evict. The plugin runs with the production JVM options ({@link ProductionJvm}) and, as in a
 * cluster, a Kubernetes API to watch namespaces in ({@link FakeKubernetesApi}); its VmRSS is
 * sampled every {@code 200 ms}: the curve goes to {@code target/bench/soak-rss-<containerd>.csv},
 * the figures to {@code soak-rss-<containerd>.json}.
 *
 * <p>Asserted: VmRSS never above the guard of {@value #BUDGET_MIB} MiB, and injected containers in
 * every phase. {@code -Dsoak.nmt=true} adds native memory tracking and a GC log, and writes {@code
 * jcmd VM.native_memory summary} after each phase.
 */
@ExtendWith(ContainerdExtension.class)
class RealImageSoakIT {

  static final List<String> IMAGES =
      List.of(
          "debian-tls",
          "rhel-tls",
          "alpine-tls",
          "suse-tls",
          "arch-tls",
          "debian-tls-100cas",
          "debian-tls-300cas");

  /** CAs in the plugin's bundle, one phase each. */
  static final List<Integer> PHASES = List.of(1, 300, 1000, 300);

  static final int ROUNDS = 2;

  /**
   * VmRSS at most, a guard against regressions: the heap's cap (a quarter of the chart's 256 MiB
   * limit, bin/jvm.options) plus the JVM's own memory, about 80 MiB with the Kubernetes API in use,
   * and the chart's memory request (160Mi) plus 8 MiB to spare. A general Kubernetes client (about
   * 18 MiB more of metaspace and symbols) peaked at 165 MiB, just under it. The 96 MiB budget of
   * docs/performance.md is not met with every cache full: the live heap alone is about 24-30 MiB.
   */
  static final int BUDGET_MIB = 168;

  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration LOG_SETTLE = Duration.ofSeconds(10);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @Test
  void rssStaysInBudgetWithEveryCacheAtItsBound(Containerd containerd) throws Exception {
    Map<String, String> images = E2eImages.ensure(containerd, IMAGES);
    PodSpec pod = PodSpec.of("e2e-soak-rss", "rss").withAnnotations(OPT_IN);
    String podId = containerd.cri().runPodSandbox(pod);
    boolean nmt = Boolean.getBoolean("soak.nmt");
    String name = "soak-rss-containerd-" + containerd.release().id();
    Path bench = Files.createDirectories(containerd.basedir().resolve("target/bench"));
    List<String> flags =
        nmt
            ? List.of(
                "-XX:NativeMemoryTracking=summary",
                "-Xlog:gc*:file=" + bench.resolve(name + "-gc.log"))
            : List.of();
    // as in a cluster, the plugin watches namespaces and posts Events through the Kubernetes
    // client, whose classes and informer cache are part of its memory
    try (FakeKubernetesApi api = FakeKubernetesApi.start();
        InjectingPlugin plugin =
            ProductionJvm.plugin(
                containerd,
                work,
                bundle(PHASES.getFirst()),
                flags,
                "--kubeconfig",
                api.kubeconfig(work.resolve("kubeconfig")).toString())) {
      plugin
          .process()
          .log()
          .awaitLineContaining(0, "kubernetes: namespace cache synced", RELOAD_TIMEOUT);
      long pid = plugin.process().pid();
      long mark = plugin.logMark();
      int lifecycles = 0;
      Map<String, Map<String, Double>> handling = new LinkedHashMap<>();
      Map<String, Integer> injected = new LinkedHashMap<>();
      RssCurve curve = RssCurve.start(pid, "idle", Duration.ofMillis(200));
      try (curve) {
        for (int p = 0; p < PHASES.size(); p++) {
          int cas = PHASES.get(p);
          if (p > 0 && cas != PHASES.get(p - 1)) {
            reload(plugin, bundle(cas));
          }
          String phase = (p + 1) + "-" + cas + "cas";
          curve.phase(phase);
          long phaseMark = plugin.logMark();
          int n = round(containerd, podId, pod, images, phase);
          lifecycles += n;
          List<Double> ms = handlingMillis(plugin, phaseMark, n);
          injected.put(phase, ms.size());
          handling.put(
              phase,
              Map.of(
                  "median",
                  BenchReport.percentile(ms, 0.5),
                  "p99",
                  BenchReport.percentile(ms, 0.99)));
          if (nmt) {
            Files.writeString(bench.resolve(name + "-nmt-" + phase + ".txt"), nmtSummary(pid));
          }
        }
      }
      Files.write(bench.resolve(name + ".csv"), curve.csv());
      long liveHeapKib = ProcessSample.liveHeapKibAfterFullGc(pid);
      List<String> log = PluginLog.settled(plugin.process().log(), mark, lifecycles, LOG_SETTLE);
      // A StartContainer with 300 or 1000 CAs may outlast containerd's 2 s on a loaded machine
      // (docs/performance.md, "Cost by bundle size"): the request's deadline interrupts the
      // injection ("inject: failed") and containerd drops the plugin until it reconnects. Counted
      // here, not asserted: this test is about memory; every phase must still inject (below).
      report(containerd, name, curve, lifecycles, liveHeapKib, pid)
          .put("plugin_start_handling_ms_by_phase", handling)
          .put("injected_by_phase", injected)
          .put("injected", PluginLog.injectedWithoutFailure(log))
          .put("failed", PluginLog.count(log, "inject: failed"))
          .put("runtime_disconnects", PluginLog.count(log, "nri: connection lost"))
          .write(containerd.basedir());
      assertThat(injected)
          .as("containers injected by phase")
          .allSatisfy((p, n) -> assertThat(n).isPositive());
      assertThat(curve.max())
          .as("max VmRSS (KiB) by phase: %s", curve.maxByPhase())
          .isLessThanOrEqualTo(BUDGET_MIB * 1024L);
    } finally {
      containerd.cri().removePod(podId);
    }
  }

  /** The bench bundle of {@code cas} CAs, as a file under the test's work directory. */
  private Path bundle(int cas) throws Exception {
    Path file = Files.createDirectories(work.resolve("bundles")).resolve(cas + ".pem");
    if (!Files.exists(file)) {
      Files.write(file, BenchBundle.of(cas, Path.of("")));
    }
    return file;
  }

  /** Swaps the plugin's bundle and waits until it has loaded it. */
  private static void reload(InjectingPlugin plugin, Path bundle) throws Exception {
    long mark = plugin.logMark();
    plugin.replaceBundle(bundle);
    plugin.process().log().awaitLineContaining(mark, "trust: bundle loaded", RELOAD_TIMEOUT);
  }

  /**
   * Cycles every image {@value #ROUNDS} times in the pod: each phase's first container of an image
   * runs the pipeline, the next replays it. Returns the number of lifecycles.
   */
  private static int round(
      Containerd containerd, String podId, PodSpec pod, Map<String, String> images, String phase) {
    int n = 0;
    for (int r = 0; r < ROUNDS; r++) {
      for (String ref : images.values()) {
        String container = "p" + phase + "-" + n++;
        ContainerCycle.run(containerd.cri(), podId, pod, ContainerCycle.sleeper(container, ref));
      }
    }
    return n;
  }

  /** The plugin's own StartContainer handling times ({@code ms}) logged since {@code mark}. */
  private static List<Double> handlingMillis(InjectingPlugin plugin, long mark, int expected) {
    return PluginLog.injectedMillis(
        PluginLog.settled(plugin.process().log(), mark, expected, LOG_SETTLE));
  }

  private static String nmtSummary(long pid) {
    return Shell.run(
        Duration.ofSeconds(60),
        List.of(
            ProcessSample.jdkTool("jcmd").toString(),
            Long.toString(pid),
            "VM.native_memory",
            "summary"));
  }

  private static BenchReport report(
      Containerd containerd,
      String name,
      RssCurve curve,
      int lifecycles,
      long liveHeapKib,
      long pid) {
    BenchReport r =
        new BenchReport(
            name,
            "plugin VmRSS while containers of "
                + IMAGES.size()
                + " images with CA bundles and Java stores cycle, plugin bundle "
                + PHASES
                + " CAs",
            containerd);
    r.put("images", IMAGES);
    r.put("lifecycles", lifecycles);
    r.put("budget_mib", BUDGET_MIB);
    r.put("rss_max_mib", BenchReport.mib(curve.max() * 1024));
    Map<String, Double> byPhase = new LinkedHashMap<>();
    curve.maxByPhase().forEach((phase, kib) -> byPhase.put(phase, BenchReport.mib(kib * 1024)));
    r.put("rss_max_mib_by_phase", byPhase);
    r.put("rss_peak_mib", BenchReport.mib(ProcessSample.peakRssKib(pid) * 1024));
    r.put("live_heap_after_full_gc_mib", BenchReport.mib(liveHeapKib * 1024));
    r.put("rss_after_full_gc_mib", BenchReport.mib(ProcessSample.of(pid).rssKib() * 1024));
    r.put("samples", curve.points().size());
    return r;
  }
}
