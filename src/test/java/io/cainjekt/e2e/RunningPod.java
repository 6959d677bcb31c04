// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import io.cainjekt.e2e.cri.ContainerState;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A started pod with one started container, made like kubelet does (RunPodSandbox, CreateContainer,
 * StartContainer); {@link #close()} stops and removes the pod. Thread-safe.
 */
public final class RunningPod implements AutoCloseable {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final CriClient cri;
  private final PodSpec pod;
  private final String podId;
  private final String containerId;
  private final ContainerSpec container;
  private final AtomicBoolean removed;

  private RunningPod(
      CriClient cri,
      PodSpec pod,
      String podId,
      String containerId,
      ContainerSpec container,
      AtomicBoolean removed) {
    this.cri = cri;
    this.pod = pod;
    this.podId = podId;
    this.containerId = containerId;
    this.container = container;
    this.removed = removed;
  }

  /** Runs {@code pod} and starts {@code container} in it; removes the pod again on failure. */
  public static RunningPod start(CriClient cri, PodSpec pod, ContainerSpec container) {
    String podId = cri.runPodSandbox(pod);
    try {
      String id = cri.createContainer(podId, pod, container);
      cri.startContainer(id);
      return new RunningPod(cri, pod, podId, id, container, new AtomicBoolean());
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
    return container.image();
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

  /** Waits until the runtime reports the container exited (stopped or killed from outside). */
  public void awaitExited(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ContainerState state;
    while ((state = cri.containerStatus(containerId).getState())
        != ContainerState.CONTAINER_EXITED) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "container "
                + containerId
                + " of "
                + pod.name()
                + " still "
                + state
                + " after "
                + timeout);
      }
      LockSupport.parkNanos(POLL_INTERVAL.toNanos());
    }
  }

  /**
   * What kubelet does once the container exited: it is removed and the same container spec is
   * created and started again in the same sandbox, under a new id. The returned pod shares the
   * sandbox; closing either removes it, once.
   */
  public RunningPod restartContainer() {
    cri.removeContainer(containerId);
    String id = cri.createContainer(podId, pod, container);
    cri.startContainer(id);
    return new RunningPod(cri, pod, podId, id, container, removed);
  }

  @Override
  public void close() {
    if (removed.compareAndSet(false, true)) {
      cri.removePod(podId);
    }
  }
}
