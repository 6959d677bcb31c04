// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.CallTimings;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.CriClient;
import io.cainjekt.e2e.PodSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: a burst of {@value #PODS} opted-in pods with {@value #CONTAINERS} containers each, all
 * created at once (one thread per pod: RunPodSandbox, then CreateContainer and StartContainer of
 * each container). Asserted: every container injected, no CRI error, the plugin never lost the
 * runtime (a request over containerd's 2 s timeout disconnects it). Measured: wall time, and the
 * CRI latencies under that load. Writes {@code target/bench/burst.json}.
 */
@ExtendWith(ContainerdExtension.class)
class BurstBench {

  static final int PODS = 100;
  static final int CONTAINERS = 2;
  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @Test
  void hundredPodsOfTwoContainersAtOnceAreAllInjectedWithoutRuntimeTimeouts(Containerd containerd)
      throws Exception {
    String image = BenchImages.reference(containerd, System.getProperty("bench.image", "busybox"));
    CallTimings timings = new CallTimings();
    ConcurrentLinkedQueue<String> podIds = new ConcurrentLinkedQueue<>();
    try (InjectingPlugin plugin = ProductionJvm.plugin(containerd, work);
        CriClient cri = new CriClient(containerd.socket(), timings);
        ExecutorService threads =
            Executors.newFixedThreadPool(
                PODS, Thread.ofPlatform().name("burst-pod-", 0).factory())) {
      long mark = plugin.logMark();
      long begin = System.nanoTime();
      List<Future<?>> pods = new ArrayList<>();
      for (int p = 0; p < PODS; p++) {
        PodSpec pod = PodSpec.of("e2e-burst", "burst-" + p).withAnnotations(OPT_IN);
        pods.add(threads.submit(() -> startPod(cri, pod, image, podIds)));
      }
      List<Throwable> errors = new ArrayList<>();
      for (Future<?> f : pods) {
        try {
          f.get();
        } catch (ExecutionException e) {
          errors.add(e.getCause());
        }
      }
      Duration wall = Duration.ofNanos(System.nanoTime() - begin);
      List<String> log =
          PluginLog.settled(
              plugin.process().log(), mark, PODS * CONTAINERS, Duration.ofSeconds(10));
      long injected = PluginLog.injectedWithoutFailure(log);
      BenchReport r =
          new BenchReport(
              "burst",
              PODS + " opted-in pods x " + CONTAINERS + " containers started at once",
              containerd);
      r.put("containers", PODS * CONTAINERS);
      r.put("injected", injected);
      r.put("cri_errors", errors.size());
      r.put("runtime_disconnects", PluginLog.count(log, "nri: connection lost"));
      r.put("wall_s", wall.toMillis() / 1000.0);
      r.putLatency("run_pod_sandbox", timings, "RunPodSandbox");
      r.putLatency("create_container", timings, "CreateContainer");
      r.putLatency("start_container", timings, "StartContainer");
      r.write(containerd.basedir());
      assertThat(errors).as("CRI errors").isEmpty();
      assertThat(injected).isEqualTo(PODS * CONTAINERS);
      assertThat(PluginLog.count(log, "inject: failed")).isZero();
      assertThat(PluginLog.count(log, "nri: connection lost")).isZero();
    } finally {
      removeAll(containerd, podIds);
    }
  }

  private static void startPod(
      CriClient cri, PodSpec pod, String image, ConcurrentLinkedQueue<String> podIds) {
    String podId = cri.runPodSandbox(pod);
    podIds.add(podId);
    List<String> ids = new ArrayList<>();
    for (int c = 0; c < CONTAINERS; c++) {
      ids.add(cri.createContainer(podId, pod, ContainerCycle.sleeper("c" + c, image)));
    }
    ids.forEach(cri::startContainer);
  }

  private static void removeAll(Containerd containerd, ConcurrentLinkedQueue<String> podIds)
      throws Exception {
    try (ExecutorService threads =
        Executors.newFixedThreadPool(8, Thread.ofPlatform().name("burst-remove-", 0).factory())) {
      List<Future<?>> removals = new ArrayList<>();
      for (String id : podIds) {
        removals.add(threads.submit(() -> containerd.cri().removePod(id)));
      }
      for (Future<?> f : removals) {
        f.get();
      }
    }
  }
}
