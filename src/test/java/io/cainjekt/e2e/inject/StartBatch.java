// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.CallTimings;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.CriClient;
import io.cainjekt.e2e.PodSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * New opted-in containers started one after the other in a pod of their own, each CRI call timed by
 * a client of the batch's own ({@link CallTimings}), as {@link StartLatencyBench} does; {@link
 * RotationBench} starts one batch with nothing converging and one while running containers
 * converge. The containers run until {@link #remove()}. Confined to one thread.
 */
final class StartBatch {

  private static final String START = "StartContainer";

  private final Containerd containerd;
  private final PodSpec pod;
  private final String podId;
  private final long mark;
  private final CallTimings timings = new CallTimings();
  private final List<String> ids = new ArrayList<>();
  private final List<Instant> ended = new ArrayList<>();

  private StartBatch(Containerd containerd, PodSpec pod, String podId, long mark) {
    this.containerd = containerd;
    this.pod = pod;
    this.podId = podId;
    this.mark = mark;
  }

  /** Runs the batch's pod (opted in, named {@code name}); no container starts yet. */
  static StartBatch inNewPod(Containerd containerd, InjectingPlugin plugin, String name) {
    PodSpec pod =
        PodSpec.of("e2e-rotation", name).withAnnotations(Map.of("cainjekt.io/enabled", "true"));
    String podId = containerd.cri().runPodSandbox(pod);
    return new StartBatch(containerd, pod, podId, plugin.logMark());
  }

  /** Creates and starts {@code count} containers of {@code image}, one after the other. */
  StartBatch startAll(int count, String image) {
    try (CriClient cri = new CriClient(containerd.socket(), timings)) {
      for (int i = 0; i < count; i++) {
        ids.add(
            ContainerCycle.createAndStart(
                cri, podId, pod, ContainerCycle.sleeper("new-" + i, image)));
        ended.add(Instant.now());
      }
    }
    return this;
  }

  List<String> ids() {
    return List.copyOf(ids);
  }

  CallTimings timings() {
    return timings;
  }

  /** The StartContainer calls of the containers that were running by {@code time}. */
  CallTimings startsEndedBy(Instant time) {
    CallTimings subset = new CallTimings();
    List<Duration> starts = timings.samples(START);
    for (int i = 0; i < starts.size(); i++) {
      if (!ended.get(i).isAfter(time)) {
        subset.record(START, starts.get(i));
      }
    }
    return subset;
  }

  /**
   * The plugin's own StartContainer handling times (its log's {@code ms}) of this batch's
   * containers, once their lines are written (at most 10 s).
   */
  List<Double> handlingMillis(InjectingPlugin plugin) {
    List<String> lines =
        PluginLog.settled(plugin.process().log(), mark, ids.size(), Duration.ofSeconds(10));
    return PluginLog.injectedMillis(PluginLog.ofPod(lines, pod.name()));
  }

  /** Stops and removes the pod with its containers. */
  void remove() {
    containerd.cri().removePod(podId);
  }
}
