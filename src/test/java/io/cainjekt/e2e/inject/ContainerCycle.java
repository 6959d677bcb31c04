// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.CriClient;
import io.cainjekt.e2e.PodSpec;
import java.time.Duration;

/**
 * One container lifecycle in an existing pod, as kubelet drives it: CreateContainer,
 * StartContainer, StopContainer (no grace: SIGKILL) and RemoveContainer. Thread-safe (stateless).
 */
final class ContainerCycle {

  private ContainerCycle() {}

  /** A container of {@code image} that sleeps until it is killed. */
  static ContainerSpec sleeper(String name, String image) {
    return ContainerSpec.of(name, image).withCommand("sleep", "3600");
  }

  /** Creates and starts {@code spec} in the pod; returns the container id. */
  static String createAndStart(CriClient cri, String podId, PodSpec pod, ContainerSpec spec) {
    String id = cri.createContainer(podId, pod, spec);
    cri.startContainer(id);
    return id;
  }

  /** Stops (SIGKILL, no grace) and removes the container. */
  static void stopAndRemove(CriClient cri, String containerId) {
    cri.stopContainer(containerId, Duration.ZERO);
    cri.removeContainer(containerId);
  }

  /** The whole lifecycle of {@code spec} in the pod; returns the (removed) container's id. */
  static String run(CriClient cri, String podId, PodSpec pod, ContainerSpec spec) {
    String id = createAndStart(cri, podId, pod, spec);
    stopAndRemove(cri, id);
    return id;
  }
}
