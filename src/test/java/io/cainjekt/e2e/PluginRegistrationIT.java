// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.cri.ContainerState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 2's proof against a real containerd: the plugin jar, started as its own process like in
 * production, registers, is configured and synchronized as containerd sees it; containers start
 * while it is connected; after a containerd restart it reconnects by itself.
 */
@ExtendWith(ContainerdExtension.class)
class PluginRegistrationIT {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(10);

  private final Containerd containerd;
  private final NriLog nri;

  PluginRegistrationIT(Containerd containerd) {
    this.containerd = containerd;
    this.nri = new NriLog(containerd.log());
  }

  @Test
  void pluginRegistersSynchronizesAndReconnectsAfterContainerdRestart() {
    long mark = containerd.log().mark();
    long started = System.nanoTime();
    try (PluginProcess plugin = PluginLaunch.of(containerd, logFile("registration")).launch()) {
      NriLog.Registration reg = nri.awaitRegistration(mark, plugin.pid(), CONNECT_TIMEOUT);
      nri.awaitSynchronizedAndConnected(mark, reg.name(), CONNECT_TIMEOUT);
      Duration toConnected = Duration.ofNanos(System.nanoTime() - started);
      plugin.awaitLine(0, "nri: synchronized", CONNECT_TIMEOUT);
      System.out.printf(
          "plugin %s: process start -> containerd 'connected' %d ms%n",
          reg.name(), toConnected.toMillis());
      assertThat(nri.troubleSince(mark, reg.name())).isEmpty();

      try (RunningPod before = busyboxPod("before-restart")) {
        assertThat(before.execOk(EXEC_TIMEOUT, "echo", "ok")).isEqualTo("ok\n");
        String shortId = before.containerId().substring(0, 12);
        assertThat(plugin.log().lines())
            .as("CreateContainer/StartContainer reached the plugin")
            .anyMatch(l -> l.contains(shortId));
        assertThat(nri.troubleSince(mark, reg.name()))
            .as("containerd kept the plugin through RunPodSandbox/Create/Start")
            .isEmpty();

        long restartMark = containerd.log().mark();
        long pluginMark = plugin.log().mark();
        Duration restart = containerd.restart();
        long afterRestart = containerd.log().mark();
        NriLog.Registration again =
            nri.awaitRegistration(restartMark, plugin.pid(), CONNECT_TIMEOUT);
        assertThat(again.name()).isEqualTo(reg.name());
        nri.awaitSynchronizedAndConnected(restartMark, reg.name(), CONNECT_TIMEOUT);
        String resync = plugin.awaitLine(pluginMark, "nri: synchronized", CONNECT_TIMEOUT);
        assertThat(resync)
            .as("containerd re-sent the running pod and container in Synchronize")
            .contains("pods=\"1\"", "containers=\"1\"");
        assertThat(plugin.isAlive()).isTrue();
        System.out.printf("containerd restart %d ms, plugin reconnected%n", restart.toMillis());

        assertThat(containerd.cri().containerStatus(before.containerId()).getState())
            .as("container survives the containerd restart")
            .isEqualTo(ContainerState.CONTAINER_RUNNING);
        try (RunningPod after = busyboxPod("after-restart")) {
          assertThat(after.execOk(EXEC_TIMEOUT, "echo", "ok")).isEqualTo("ok\n");
        }
        assertThat(nri.troubleSince(afterRestart, reg.name())).isEmpty();
        assertThat(containerd.log().linesSince(restartMark))
            .noneMatch(l -> l.contains("failed to synchronize plugin"));
      }
    }
  }

  private RunningPod busyboxPod(String name) {
    return RunningPod.start(
        containerd.cri(),
        PodSpec.of("e2e-plugin", name),
        ContainerSpec.of("main", Containerd.BUSYBOX).withCommand("/bin/sleep", "3600"));
  }

  private static Path logFile(String name) {
    return Path.of(System.getProperty("cainjekt.basedir", "."))
        .resolve("target/e2e/plugin-" + name + ".log");
  }
}
