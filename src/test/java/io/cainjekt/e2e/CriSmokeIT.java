// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.e2e.cri.ContainerState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself against real containerd + runc: a busybox pod driven like kubelet. */
@ExtendWith(ContainerdExtension.class)
class CriSmokeIT {

  private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(10);

  private final Containerd containerd;
  private final CriClient cri;

  CriSmokeIT(Containerd containerd) {
    this.containerd = containerd;
    this.cri = containerd.cri();
  }

  @AfterAll
  static void printLatencies(Containerd containerd) {
    System.out.println(containerd.report());
  }

  @Test
  void busyboxPodRunsAndExecSyncSeesEnvMountsAndExitCodes(@TempDir Path hostDir)
      throws IOException {
    Files.writeString(hostDir.resolve("hello.txt"), "from the host\n");
    PodSpec pod =
        PodSpec.of("e2e-smoke", "busybox")
            .withLabels(Map.of("app", "smoke"))
            .withAnnotations(Map.of("example.com/note", "smoke"));
    String podId = cri.runPodSandbox(pod);
    try {
      ContainerSpec spec =
          ContainerSpec.of("main", Containerd.BUSYBOX)
              .withCommand("/bin/sleep", "3600")
              .withEnv(Map.of("GREETING", "hello"))
              .withMount(hostDir, "/data", true);
      String id = cri.createContainer(podId, pod, spec);
      cri.startContainer(id);

      assertThat(cri.containerStatus(id).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
      assertThat(cri.listContainers(podId)).extracting(c -> c.getId()).containsExactly(id);
      assertThat(cri.execSync(id, EXEC_TIMEOUT, "/bin/sh", "-c", "echo $GREETING").stdout())
          .isEqualTo("hello\n");
      assertThat(cri.execSync(id, EXEC_TIMEOUT, "/bin/cat", "/data/hello.txt").stdout())
          .isEqualTo("from the host\n");
      ExecResult failing = cri.execSync(id, EXEC_TIMEOUT, "/bin/sh", "-c", "echo oops >&2; exit 3");
      assertThat(failing.exitCode()).isEqualTo(3);
      assertThat(failing.stderr()).isEqualTo("oops\n");
      assertThat(cri.execSync(id, EXEC_TIMEOUT, "/bin/sh", "-c", "touch /data/x").exitCode())
          .as("read-only bind mount")
          .isNotZero();

      cri.stopContainer(id, Duration.ofSeconds(1));
      assertThat(cri.containerStatus(id).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
      cri.removeContainer(id);
      assertThatThrownBy(() -> cri.containerStatus(id))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    } finally {
      cri.removePod(podId);
    }
  }

  @Test
  void readOnlyRootfsIsWritableThroughTheTaskRootfsOnTheHost() throws IOException {
    PodSpec pod = PodSpec.of("e2e-smoke", "readonly");
    String podId = cri.runPodSandbox(pod);
    try {
      ContainerSpec spec =
          ContainerSpec.of("main", Containerd.BUSYBOX)
              .withCommand("/bin/sleep", "3600")
              .withReadonlyRootfs(true);
      String id = cri.createContainer(podId, pod, spec);
      cri.startContainer(id);

      ExecResult touch = cri.execSync(id, EXEC_TIMEOUT, "/bin/touch", "/etc/ssl/certs/probe");
      assertThat(touch.exitCode()).isNotZero();
      assertThat(touch.stderr()).contains("Read-only file system");

      Path hostView = containerd.taskRootfs(id);
      Files.writeString(hostView.resolve("etc/ssl/certs/probe"), "written on the host\n");
      assertThat(cri.execSync(id, EXEC_TIMEOUT, "/bin/cat", "/etc/ssl/certs/probe").stdout())
          .isEqualTo("written on the host\n");
    } finally {
      cri.removePod(podId);
    }
  }
}
