// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.PodSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 part 3: {@value #LIFECYCLES} container lifecycles (create, start, stop, remove) through
 * CRI on the real containerd with the plugin running, from {@value #WORKERS} pods in parallel (one
 * of them not opted in). Every {@value #CHECKPOINT} lifecycles all workers meet at a checkpoint
 * where no container exists and the plugin's resources are sampled ({@link SoakSample}); the series
 * goes to {@code target/bench/soak-series.csv} and the figures to {@code target/bench/soak.json}.
 *
 * <p>Leak assertions compare the window right after warm-up (lifecycles 400 to 600) with the last
 * window (1800 to 2000): a per-lifecycle leak grows with the ~1400 lifecycles between them, while
 * legitimate fluctuation does not. See {@link SoakVerdict} for each tolerance and why.
 */
@ExtendWith(ContainerdExtension.class)
class SoakIT {

  static final int LIFECYCLES = 2000;
  static final int CHECKPOINT = 100;
  static final int WORKERS = 4;
  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @Test
  void twoThousandLifecyclesInjectEveryOptedInContainerAndLeakNothing(Containerd containerd)
      throws Exception {
    List<PodSpec> pods = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      PodSpec pod = PodSpec.of("e2e-soak", "soak-" + w);
      pods.add(w == WORKERS - 1 ? pod : pod.withAnnotations(OPT_IN));
    }
    List<String> podIds = pods.stream().map(p -> containerd.cri().runPodSandbox(p)).toList();
    List<SoakSample> series = new ArrayList<>();
    try (InjectingPlugin plugin = ProductionJvm.plugin(containerd, work);
        ExecutorService workers =
            Executors.newFixedThreadPool(
                WORKERS, Thread.ofPlatform().name("soak-worker-", 0).factory())) {
      long mark = plugin.logMark();
      long pid = plugin.process().pid();
      Path containerdDir = containerd.stateDir().getParent();
      ProcessSample idle = ProcessSample.of(pid);
      long begin = System.nanoTime();
      for (int done = 0; done < LIFECYCLES; done += CHECKPOINT) {
        round(containerd, workers, pods, podIds, done);
        series.add(
            SoakSample.take(
                done + CHECKPOINT,
                Duration.ofNanos(System.nanoTime() - begin),
                pid,
                plugin.stagingDir(),
                containerdDir));
        System.out.println("soak: " + series.getLast().csv());
      }
      SoakVerdict verdict =
          new SoakVerdict(idle, series, plugin.process().log().linesSince(mark), WORKERS);
      verdict.report(containerd, plugin).write(containerd.basedir());
      writeSeries(containerd.basedir(), series);
      verdict.assertNoLeaks();
    } finally {
      podIds.forEach(containerd.cri()::removePod);
    }
  }

  /** Each worker runs CHECKPOINT / WORKERS lifecycles in its own pod; waits for all of them. */
  private static void round(
      Containerd containerd,
      ExecutorService workers,
      List<PodSpec> pods,
      List<String> podIds,
      int done)
      throws Exception {
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      int worker = w;
      running.add(
          workers.submit(
              () -> {
                for (int i = 0; i < CHECKPOINT / WORKERS; i++) {
                  ContainerSpec spec =
                      ContainerCycle.sleeper(
                          "c" + (done + i * WORKERS + worker), Containerd.BUSYBOX);
                  ContainerCycle.run(containerd.cri(), podIds.get(worker), pods.get(worker), spec);
                }
              }));
    }
    for (Future<?> f : running) {
      f.get();
    }
  }

  private static void writeSeries(Path basedir, List<SoakSample> series) throws Exception {
    Path csv = basedir.resolve("target/bench/soak-series.csv");
    Files.createDirectories(csv.getParent());
    Files.writeString(
        csv,
        SoakSample.CSV_HEADER
            + "\n"
            + series.stream().map(SoakSample::csv).collect(Collectors.joining("\n"))
            + "\n");
  }
}
