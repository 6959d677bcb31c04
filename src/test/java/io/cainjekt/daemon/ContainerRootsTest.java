// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerRootsTest {

  private static final String ID =
      "7d84a94028629daa9b4d6675caefd5fdc130e7586e06ec0a5ece4a48eb1edd21";

  @TempDir Path proc;

  private void mountinfo(String... mountPoints) throws IOException {
    StringBuilder text = new StringBuilder();
    int n = 20;
    for (String mp : mountPoints) {
      text.append(n++)
          .append(" 1 0:52 / ")
          .append(mp)
          .append(" rw,relatime shared:1 - overlay overlay rw,lowerdir=/a,upperdir=/b\n");
    }
    Files.createDirectories(proc.resolve("1"));
    Files.writeString(proc.resolve("1/mountinfo"), text);
  }

  @Test
  void prefersTheRuntimesHostMountOfTheRootfs() throws IOException {
    String mp = "/run/e2e/state/io.containerd.runtime.v2.task/k8s.io/" + ID + "/rootfs";
    mountinfo("/", "/run/other/io.containerd.runtime.v2.task/k8s.io/abc/rootfs", mp);
    Files.createDirectories(proc.resolve("1/root").resolve(mp.substring(1)));
    Files.createDirectories(proc.resolve("4242/root"));

    var root = new ContainerRoots(proc).find(ID, 4242).orElseThrow();

    assertThat(root.kind()).isEqualTo(ContainerRoots.Kind.HOST_MOUNT);
    assertThat(root.hostPath()).isEqualTo(proc.resolve("1/root").resolve(mp.substring(1)));
    assertThat(root.imageLayers()).contains("lowerdir=/a");
  }

  @Test
  void imageLayersAreTheOverlaysLowerLayersInEitherMountApi() {
    String classic =
        "45 27 0:40 / /r rw - overlay overlay rw,lowerdir=/s/3/fs:/s/2/fs,upperdir=/s/4/fs,"
            + "workdir=/s/4/work";
    String layered =
        "45 27 0:40 / /r rw - overlay overlay rw,lowerdir+=/s/3/fs,lowerdir+=/s/2/fs,"
            + "upperdir=/s/4/fs,workdir=/s/4/work";
    assertThat(ContainerRoots.lowerLayers(classic)).contains("lowerdir=/s/3/fs:/s/2/fs");
    assertThat(ContainerRoots.lowerLayers(layered)).contains("lowerdir+=/s/3/fs,lowerdir+=/s/2/fs");
    // another file system, or an overlay without lower layers, names no image
    assertThat(ContainerRoots.lowerLayers("45 27 0:40 / /r rw - ext4 /dev/sda rw,lowerdir=/x"))
        .isEmpty();
    assertThat(ContainerRoots.lowerLayers("45 27 0:40 / /r rw - overlay o rw,upperdir=/u"))
        .isEmpty();
    assertThat(ContainerRoots.lowerLayers("45 27 0:40 / /r rw")).isEmpty();
  }

  @Test
  void usesTheRuntimeMountDirectlyWhenThePluginSharesTheHostMountNamespace(@TempDir Path host)
      throws IOException {
    Path mp = host.resolve("state/io.containerd.runtime.v2.task/k8s.io/" + ID + "/rootfs");
    Files.createDirectories(mp);
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(
        proc.resolve("self/mountinfo"), "45 27 0:40 / " + mp + " rw,relatime - overlay o rw\n");
    mountinfo("/");
    Files.createDirectories(proc.resolve("4242/root"));

    var root = new ContainerRoots(proc).find(ID, 4242).orElseThrow();

    assertThat(root.kind()).isEqualTo(ContainerRoots.Kind.HOST_MOUNT);
    assertThat(root.hostPath()).isEqualTo(mp);
  }

  @Test
  void fallsBackToTheInitProcessRootWhenTheRuntimeMountIsUnknown() throws IOException {
    mountinfo("/", "/var/lib/kubelet/pods/x/volumes/" + ID + "/rootfs");
    Files.createDirectories(proc.resolve("4242/root"));

    var root = new ContainerRoots(proc).find(ID, 4242).orElseThrow();

    assertThat(root.kind()).isEqualTo(ContainerRoots.Kind.PROC_PID_ROOT);
    assertThat(root.hostPath()).isEqualTo(proc.resolve("4242/root"));
    assertThat(root.imageLayers()).isEmpty();
  }

  @Test
  void findsNothingWithoutMountOrPid() throws IOException {
    mountinfo("/");
    assertThat(new ContainerRoots(proc).find(ID, 0)).isEmpty();
  }

  @Test
  void octalEscapesInMountPointsAreDecoded() {
    assertThat(ContainerRoots.unescape("/run/a\\040b/x\\134y")).isEqualTo("/run/a b/x\\y");
    assertThat(ContainerRoots.unescape("/plain\\09")).isEqualTo("/plain\\09");
  }
}
