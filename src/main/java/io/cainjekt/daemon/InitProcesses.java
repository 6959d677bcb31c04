// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The init processes of running containers as the node sees them (the DaemonSet shares the node's
 * pid namespace): how the daemon stops a container that the runtime does not stop when asked.
 * Implementations are thread-safe.
 */
interface InitProcesses {

  /**
   * The init process of container {@code containerId}, {@code pid}, while it runs and its cgroup
   * names the container: a pid the kernel gave to another process since, or one seen from another
   * pid namespace, is not it.
   */
  Optional<InitProcess> find(int pid, String containerId);

  /**
   * Whether {@code containerId} is the container this plugin runs in: it started before the plugin,
   * so it looks like a late starter of its own, and must never be stopped or written.
   */
  boolean ownContainer(String containerId);

  /** One process as found: a later process with the same pid is never touched. */
  interface InitProcess {

    /** Completes with true once it exited, with false when it still runs after {@code grace}. */
    CompletableFuture<Boolean> exitsWithin(Duration grace);

    /** Sends it SIGKILL; false when the kernel refused (another user's process, no CAP_KILL). */
    boolean kill();
  }

  /** The node's processes, read through {@code proc} ({@code /proc}) and {@link ProcessHandle}. */
  record Host(Path proc) implements InitProcesses {

    /** Read at most this much of {@code /proc/<pid>/cgroup} (a line per hierarchy). */
    static final int MAX_CGROUP_BYTES = 64 << 10;

    @Override
    public Optional<InitProcess> find(int pid, String containerId) {
      if (pid <= 1 || pid == ProcessHandle.current().pid()) {
        return Optional.empty();
      }
      Optional<ProcessHandle> handle = ProcessHandle.of(pid); // binds the pid to its start time
      if (handle.isEmpty() || !cgroupNames(pid, containerId)) {
        return Optional.empty();
      }
      return Optional.of(new Handle(handle.get()));
    }

    @Override
    public boolean ownContainer(String containerId) {
      return cgroupNames("self", containerId);
    }

    private boolean cgroupNames(int pid, String containerId) {
      return cgroupNames(Integer.toString(pid), containerId);
    }

    private boolean cgroupNames(String process, String containerId) {
      try (InputStream in = Files.newInputStream(proc.resolve(process + "/cgroup"))) {
        return new String(in.readNBytes(MAX_CGROUP_BYTES), StandardCharsets.UTF_8)
            .contains(containerId);
      } catch (IOException e) {
        return false; // ignored: gone, or not readable; either way not a process we may stop
      }
    }
  }

  /** A {@link ProcessHandle}, which checks the start time before it signals. */
  record Handle(ProcessHandle process) implements InitProcess {

    @Override
    public CompletableFuture<Boolean> exitsWithin(Duration grace) {
      return process
          .onExit()
          .thenApply(exited -> true)
          .completeOnTimeout(false, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean kill() {
      return process.destroyForcibly();
    }
  }
}
