// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.PluginLaunch;
import io.cainjekt.e2e.PluginProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: start-to-ready time of the plugin JVM and its idle RSS against the real containerd,
 * {@value #RUNS} runs as in the DaemonSet (bin/jvm.options and the chart's memory limit, {@link
 * ProductionJvm}) interleaved with {@value #RUNS} runs with bin/jvm.options but no memory limit.
 * Per run: the time from spawning {@code java -jar cainjekt.jar run} to the first 200 from /readyz
 * (polled every 10 ms), to its first log line (JVM and CLI start) and to its "nri: synchronized"
 * line (log time stamps, same clock as the spawn), and VmRSS {@value #IDLE_SECONDS} s after ready
 * with no container activity. The CPU time the plugin, this JVM and everything else on the machine
 * used until ready shows whether a slow start was the plugin's own work or a neighbour's. Writes
 * {@code target/bench/startup.json}.
 */
@ExtendWith(ContainerdExtension.class)
class PluginStartupBench {

  static final int RUNS = 5;
  static final int IDLE_SECONDS = 10;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @Test
  void pluginBecomesReadyAndIdlesSmall(Containerd containerd) throws Exception {
    Path production = ProductionJvm.java(work.resolve("jvm")).orElseThrow();
    Path testJvm = ProcessSample.jdkTool("java");
    List<Map<String, Object>> prod = new ArrayList<>();
    List<Map<String, Object>> unlimited = new ArrayList<>();
    // load the probe's classes before the first start, not during it
    assertThat(readyzStatus(freePort())).isZero();
    for (int run = 0; run < RUNS; run++) {
      prod.add(oneRun(containerd, production, "prod-" + run));
      unlimited.add(oneRun(containerd, testJvm, "unlimited-" + run));
    }
    BenchReport r =
        new BenchReport(
            "startup",
            "plugin start-to-ready and idle RSS, " + RUNS + " runs per JVM setting, interleaved",
            containerd);
    r.put("production_flags", String.join(" ", ProductionJvm.FLAGS));
    summarize(r, "", prod);
    summarize(r, "no_memory_limit_", unlimited);
    r.put("runs_production_flags", prod);
    r.put("runs_no_memory_limit", unlimited);
    r.write(containerd.basedir());
    assertThat(prod).hasSize(RUNS);
  }

  private static void summarize(BenchReport r, String prefix, List<Map<String, Object>> runs) {
    r.put(prefix + "spawn_to_ready_ms_median", median(runs, "spawn_to_ready_ms"));
    r.put(prefix + "spawn_to_ready_ms_max", max(runs, "spawn_to_ready_ms"));
    r.put(prefix + "spawn_to_first_log_ms_median", median(runs, "spawn_to_first_log_ms"));
    r.put(prefix + "spawn_to_synchronized_ms_median", median(runs, "spawn_to_synchronized_ms"));
    r.put(prefix + "rss_idle_mib_median", median(runs, "rss_idle_mib"));
    r.put(prefix + "rss_idle_mib_max", max(runs, "rss_idle_mib"));
  }

  private Map<String, Object> oneRun(Containerd containerd, Path java, String run)
      throws Exception {
    long benchCpu = ProcessSample.cpuMillis(ProcessHandle.current().pid());
    long machineCpu = ProcessSample.machineBusyMillis();
    Instant spawned = Instant.now();
    long begin = System.nanoTime();
    try (PluginProcess p =
        PluginLaunch.of(containerd, work.resolve("plugin-" + run + ".log"))
            .withJava(java)
            .withStagingDir(work.resolve("staging-" + run))
            .withArgs("--plugin-index", "50")
            .launch()) {
      awaitReady(p);
      double spawnToReady = (System.nanoTime() - begin) / 1e6;
      long pluginCpuToReady = ProcessSample.cpuMillis(p.pid());
      long benchCpuToReady = ProcessSample.cpuMillis(ProcessHandle.current().pid()) - benchCpu;
      long machineCpuToReady = ProcessSample.machineBusyMillis() - machineCpu;
      String synced = p.awaitLine(0, "nri: synchronized", READY_TIMEOUT);
      String first = p.log().lines().getFirst();
      LockSupport.parkNanos(Duration.ofSeconds(IDLE_SECONDS).toNanos());
      long rssKib = ProcessSample.of(p.pid()).rssKib();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("spawn_to_ready_ms", Math.round(spawnToReady));
      m.put("spawn_to_first_log_ms", Duration.between(spawned, PluginLog.time(first)).toMillis());
      m.put(
          "spawn_to_synchronized_ms", Duration.between(spawned, PluginLog.time(synced)).toMillis());
      m.put("rss_idle_mib", BenchReport.mib(rssKib * 1024));
      m.put("plugin_cpu_ms_to_ready", pluginCpuToReady);
      m.put("bench_jvm_cpu_ms_to_ready", benchCpuToReady);
      m.put("other_cpu_ms_to_ready", machineCpuToReady - pluginCpuToReady - benchCpuToReady);
      return m;
    }
  }

  private static void awaitReady(PluginProcess p) throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("plugin exited: " + p.log().lines());
      }
      if (readyzStatus(p.httpPort()) == 200) {
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
    throw new AssertionError("plugin not ready within " + READY_TIMEOUT + ": " + p.log().lines());
  }

  /**
   * The status of one {@code GET /readyz} on a plain socket, 0 when nothing listens yet. Not {@link
   * java.net.http.HttpClient}: polled every 10 ms, it cost this JVM 0.3-0.5 s of CPU per start, and
   * 1.6 s in the first (its classes loaded and compiled then), which the plugin starting on the
   * same two cores paid for: that first start took 2.0 s against 1.4-1.7 s for the others (12:11
   * UTC).
   */
  static int readyzStatus(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      s.setSoTimeout(2000);
      s.getOutputStream()
          .write("GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));
      String status =
          new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII)).readLine();
      // "HTTP/1.1 200 OK"
      return status == null ? 0 : Integer.parseInt(status.split(" ", 3)[1]);
    } catch (IOException e) {
      return 0;
    }
  }

  private static double median(List<Map<String, Object>> runs, String key) {
    List<Double> v = values(runs, key);
    return v.get(v.size() / 2);
  }

  private static double max(List<Map<String, Object>> runs, String key) {
    return values(runs, key).getLast();
  }

  private static List<Double> values(List<Map<String, Object>> runs, String key) {
    return runs.stream().map(r -> ((Number) r.get(key)).doubleValue()).sorted().toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
