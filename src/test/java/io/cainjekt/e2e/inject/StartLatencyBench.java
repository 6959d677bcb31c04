// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.daemon.BenchBundle;
import io.cainjekt.e2e.CallTimings;
import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.CriClient;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.EnvMerger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: CRI CreateContainer and StartContainer latency on the real containerd with the plugin
 * running, opted-in versus not opted-in containers of the same image, interleaved in one run (after
 * a warm-up) so that machine noise hits both sides alike. Each side has its own {@link CriClient}
 * and so its own {@link CallTimings}. Image: {@code -Dbench.image} (default debian-tls, which has a
 * JDK, Python and Node.js, so the whole pipeline runs), count {@code -Dbench.n}. Writes {@code
 * target/bench/start-latency-<image>.json}. Only correctness is asserted.
 *
 * <p>Issue 24: {@code -Dbench.cas=1,10,100,300,1000} repeats the run once per bundle size, each
 * with a freshly started plugin whose only bundle holds that many CAs ({@link BenchBundle}, the
 * bundles of the JMH handler benchmark), and writes {@code start-latency-<image>-<N>cas.json} for
 * each size other than 1, with the plugin's VmRSS and VmHWM after the run. The default is 1.
 *
 * <p>Issue 21: {@code -Dbench.caches-off=none,trust,plans} repeats each run once per variant, one
 * after the other in the same Maven run, each with a freshly started plugin given {@code run
 * --caches-off} ({@code Caches#without}; {@code trust+plans} switches both off). Every variant
 * other than {@code none} writes its figures to {@code ...-caches-off-<variant>.json}, and each
 * file names its variant in {@code caches_off}. The default is none.
 *
 * <p>A third side splits the opted-in cost: plain containers with the one thing CreateContainer
 * adds that runc acts on, a read-only bind mount of a host directory at {@code /etc/cainjekt}. Its
 * ratio to plain is what the mount costs runc; opted-in to it is what the plugin's StartContainer
 * costs.
 */
@ExtendWith(ContainerdExtension.class)
class StartLatencyBench {

  private static final int WARMUP = 20;
  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @Test
  void optedInStartsAsFastAsPlainOnes(Containerd containerd) throws Exception {
    String imageName = System.getProperty("bench.image", "debian-tls");
    int n = Integer.getInteger("bench.n", 200);
    String image = BenchImages.reference(containerd, imageName);
    for (String cas : System.getProperty("bench.cas", "1").split(",")) {
      int count = Integer.parseInt(cas.strip());
      Path bundle = Files.createDirectories(work.resolve("bundles")).resolve(count + ".pem");
      Files.write(bundle, BenchBundle.of(count, Path.of("")));
      for (String variant : System.getProperty("bench.caches-off", "none").split(",")) {
        String off = variant.strip();
        String name =
            "start-latency-"
                + imageName
                + (count == 1 ? "" : "-" + count + "cas")
                + (off.equals("none") ? "" : "-caches-off-" + off);
        Path runDir = Files.createDirectories(work.resolve("run-" + count + "-" + off));
        run(containerd, image, n, bundle, name, off, runDir);
      }
    }
  }

  /** The plugin's arguments that switch off the caches of {@code variant} ("none", "a+b"). */
  private static String[] cachesOff(String variant) {
    return variant.equals("none")
        ? new String[0]
        : new String[] {"--caches-off=" + variant.replace('+', ',')};
  }

  private static void run(
      Containerd containerd, String image, int n, Path bundle, String name, String off, Path work)
      throws Exception {
    PodSpec optedPod = PodSpec.of("e2e-bench", "latency-opted").withAnnotations(OPT_IN);
    PodSpec plainPod = PodSpec.of("e2e-bench", "latency-plain");
    CallTimings opted = new CallTimings();
    CallTimings plain = new CallTimings();
    CallTimings mounted = new CallTimings();
    String optedId = containerd.cri().runPodSandbox(optedPod);
    String plainId = containerd.cri().runPodSandbox(plainPod);
    Path mountSource = Files.createDirectories(work.resolve("mount-only"));
    try (StagingTmpfs staging = StagingTmpfs.mount(work);
        InjectingPlugin plugin =
            ProductionJvm.plugin(containerd, work, bundle, List.of(), cachesOff(off));
        CriClient optedCri = new CriClient(containerd.socket(), opted);
        CriClient plainCri = new CriClient(containerd.socket(), plain);
        CriClient mountedCri = new CriClient(containerd.socket(), mounted)) {
      assertThat(plugin.stagingDir()).isEqualTo(staging.dir());
      long mark = plugin.logMark();
      for (int i = 0; i < WARMUP; i++) {
        cycle(containerd.cri(), optedId, optedPod, sleeper("warm-o" + i, image));
        cycle(containerd.cri(), plainId, plainPod, sleeper("warm-p" + i, image));
        cycle(containerd.cri(), plainId, plainPod, mountOnly("warm-m" + i, image, mountSource));
      }
      long measured = plugin.logMark();
      for (int i = 0; i < n; i++) {
        cycle(optedCri, optedId, optedPod, sleeper("o" + i, image));
        cycle(plainCri, plainId, plainPod, sleeper("p" + i, image));
        cycle(mountedCri, plainId, plainPod, mountOnly("m" + i, image, mountSource));
      }
      List<String> log =
          PluginLog.settled(plugin.process().log(), mark, WARMUP + n, Duration.ofSeconds(10));
      BenchReport r = report(containerd, name, image, opted, plain, plugin);
      r.put("cas", Pki.certificates(Files.readAllBytes(bundle)).size());
      r.put("caches_off", off);
      r.putLatency("start_plain_with_mount", mounted, "StartContainer");
      r.put(
          "start_mount_only_median_ratio",
          BenchReport.ratio(mounted, plain, "StartContainer", true));
      r.put(
          "start_opted_in_to_mount_only_median_ratio",
          BenchReport.ratio(opted, mounted, "StartContainer", true));
      List<String> measuredLog = plugin.process().log().linesSince(measured);
      List<Double> handling = PluginLog.injectedMillis(measuredLog);
      r.put("plugin_start_handling_median_ms", BenchReport.percentile(handling, 0.5));
      r.put("plugin_start_handling_p99_ms", BenchReport.percentile(handling, 0.99));
      r.put("plugin_start_replayed", PluginLog.replayed(measuredLog));
      long pid = plugin.process().pid();
      r.put("plugin_rss_mib", BenchReport.mib(ProcessSample.of(pid).rssKib() * 1024));
      r.put("plugin_peak_rss_mib", BenchReport.mib(ProcessSample.peakRssKib(pid) * 1024));
      r.write(containerd.basedir());
      assertThat(PluginLog.injectedWithoutFailure(log)).isEqualTo(WARMUP + n);
      assertThat(PluginLog.count(log, "inject: failed")).isZero();
      assertThat(PluginLog.count(log, "nri: connection lost")).isZero();
    } finally {
      containerd.cri().removePod(optedId);
      containerd.cri().removePod(plainId);
    }
  }

  /** Create and start timed by {@code cri}; stop and remove by the shared, untimed client. */
  private static void cycle(CriClient cri, String podId, PodSpec pod, ContainerSpec spec) {
    String id = ContainerCycle.createAndStart(cri, podId, pod, spec);
    ContainerCycle.stopAndRemove(cri, id);
  }

  private static ContainerSpec sleeper(String name, String image) {
    return ContainerCycle.sleeper(name, image);
  }

  /** A plain container with the mount an opted-in one gets (read-only, at the same path). */
  private static ContainerSpec mountOnly(String name, String image, Path source) {
    return sleeper(name, image).withMount(source, EnvMerger.MOUNT_PATH, true);
  }

  private static BenchReport report(
      Containerd containerd,
      String name,
      String image,
      CallTimings opted,
      CallTimings plain,
      InjectingPlugin plugin) {
    BenchReport r =
        new BenchReport(
            name,
            "CRI CreateContainer/StartContainer, opted-in vs plain, interleaved, image " + image,
            containerd);
    r.putLatency("create_opted_in", opted, "CreateContainer");
    r.putLatency("create_plain", plain, "CreateContainer");
    r.putLatency("start_opted_in", opted, "StartContainer");
    r.putLatency("start_plain", plain, "StartContainer");
    r.put("create_median_ratio", BenchReport.ratio(opted, plain, "CreateContainer", true));
    r.put("create_p99_ratio", BenchReport.ratio(opted, plain, "CreateContainer", false));
    r.put("start_median_ratio", BenchReport.ratio(opted, plain, "StartContainer", true));
    r.put("start_p99_ratio", BenchReport.ratio(opted, plain, "StartContainer", false));
    r.put("plugin_start_handling_mean_ms", mean(plugin, "start_container"));
    r.put("plugin_create_handling_mean_ms", mean(plugin, "create_container"));
    return r;
  }

  /** Mean of the plugin's own handling time histogram for {@code event}, in ms. */
  private static double mean(InjectingPlugin plugin, String event) {
    String labels = "{event=\"" + event + "\"}";
    double sum = plugin.sample("cainjekt_nri_request_duration_seconds_sum" + labels);
    double count = plugin.sample("cainjekt_nri_request_duration_seconds_count" + labels);
    return count == 0 ? 0 : Math.round(sum / count * 1e5) / 100.0;
  }
}
