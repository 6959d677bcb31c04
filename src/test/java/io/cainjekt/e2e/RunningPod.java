// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.time.Duration;

/**
 * A started pod with one started container, made like kubelet does (RunPodSandbox, CreateContainer,
 * StartContainer); {@link #close()} stops and removes the pod. Thread-safe.
 */
public final class RunningPod implements AutoCloseable {

  private final CriClient cri;
  private final PodSpec pod;
  private final String podId;
  private final String containerId;
  private final String image;

  private RunningPod(CriClient cri, PodSpec pod, String podId, String containerId, String image) {
    this.cri = cri;
    this.pod = pod;
    this.podId = podId;
    this.containerId = containerId;
    this.image = image;
  }

  /** Runs {@code pod} and starts {@code container} in it; removes the pod again on failure. */
  public static RunningPod start(CriClient cri, PodSpec pod, ContainerSpec container) {
    String podId = cri.runPodSandbox(pod);
    try {
      String id = cri.createContainer(podId, pod, container);
      cri.startContainer(id);
      return new RunningPod(cri, pod, podId, id, container.image());
    } catch (RuntimeException e) {
      try {
        cri.removePod(podId);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  public PodSpec pod() {
    return pod;
  }

  public String podId() {
    return podId;
  }

  public String containerId() {
    return containerId;
  }

  /** The container's image reference. */
  public String image() {
    return image;
  }

  /** ExecSync in the container. */
  public ExecResult exec(Duration timeout, String... cmd) {
    return cri.execSync(containerId, timeout, cmd);
  }

  /** ExecSync that must exit 0; returns stdout. */
  public String execOk(Duration timeout, String... cmd) {
    ExecResult result = exec(timeout, cmd);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          "exec " + String.join(" ", cmd) + " in " + pod.name() + ": " + result);
    }
    return result.stdout();
  }

  @Override
  public void close() {
    cri.removePod(podId);
  }
}
