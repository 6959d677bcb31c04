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

  private static final String TASKS = "/run/e2e/state/io.containerd.runtime.v2.task/k8s.io/";

  /** Roots that have found container {@link #ID} (pid 4242) by scanning the host's mountinfo. */
  private ContainerRoots afterOneScan() throws IOException {
    mountinfo("/", TASKS + ID + "/rootfs");
    Files.createDirectories(proc.resolve("1/root").resolve(TASKS.substring(1) + ID + "/rootfs"));
    Files.createDirectories(proc.resolve("4242/root"));
    ContainerRoots roots = new ContainerRoots(proc);
    assertThat(roots.find(ID, 4242).orElseThrow().kind()).isEqualTo(ContainerRoots.Kind.HOST_MOUNT);
    return roots;
  }

  @Test
  void laterRootsAreTakenFromTheTaskDirectoryWithoutTheHostMountinfo() throws IOException {
    ContainerRoots roots = afterOneScan();
    // a second container: the host's mountinfo (now unreadable) is not needed again, and its
    // layers come from the container's own mountinfo, whose root is the runtime's mount
    String other = ID.replace('7', '8');
    Path rootfs =
        Files.createDirectories(
            proc.resolve("1/root").resolve(TASKS.substring(1) + other + "/rootfs"));
    Files.delete(proc.resolve("1/mountinfo"));
    Files.createDirectories(proc.resolve("4343"));
    Files.createSymbolicLink(proc.resolve("4343/root"), rootfs);
    Files.writeString(
        proc.resolve("4343/mountinfo"),
        "600 500 0:77 / / rw,relatime - overlay overlay rw,lowerdir=/s/9/fs:/s/8/fs,upperdir=/u\n"
            + "601 600 0:78 / /proc rw,nosuid - proc proc rw\n");

    var root = roots.find(other, 4343).orElseThrow();

    assertThat(root.kind()).isEqualTo(ContainerRoots.Kind.HOST_MOUNT);
    assertThat(root.hostPath()).isEqualTo(rootfs);
    assertThat(root.imageLayers()).contains("lowerdir=/s/9/fs:/s/8/fs");
  }

  @Test
  void aTaskDirectoryRootThatIsNotTheContainersOwnIsNotTaken() throws IOException {
    ContainerRoots roots = afterOneScan();
    String other = ID.replace('7', '8');
    Files.createDirectories(proc.resolve("1/root").resolve(TASKS.substring(1) + other + "/rootfs"));
    Files.createDirectories(proc.resolve("4343/root")); // another directory than that rootfs

    var root = roots.find(other, 4343).orElseThrow();

    assertThat(root.kind()).isEqualTo(ContainerRoots.Kind.PROC_PID_ROOT);
    assertThat(root.hostPath()).isEqualTo(proc.resolve("4343/root"));
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

  /**
   * Regression: in the chart's pod on a node whose pid 1 the plugin may not open (or whose
   * containerd has a mount namespace of its own), only {@code /proc/<pid>/root} was found, and a
   * read-only root got no OS store.
   */
  @Test
  void findsTheRuntimeMountThroughTheShimWhenPid1CannotBeOpened() throws IOException {
    String mp = TASKS + ID + "/rootfs";
    Files.createDirectories(proc.resolve("4242/root"));
    Files.writeString(proc.resolve("4242/status"), "Name:\tsleep\nPid:\t4242\nPPid:\t777\n");
    Files.createDirectories(proc.resolve("777/root").resolve(mp.substring(1)));
    Files.writeString(
        proc.resolve("777/mountinfo"),
        "20 1 0:52 / " + mp + " rw - overlay overlay rw,lowerdir=/a,upperdir=/b\n");
    ContainerRoots roots = new ContainerRoots(proc);

    var root = roots.find(ID, 4242).orElseThrow();

    assertThat(root.kind()).isEqualTo(ContainerRoots.Kind.HOST_MOUNT);
    assertThat(root.hostPath()).isEqualTo(proc.resolve("777/root").resolve(mp.substring(1)));
    assertThat(root.imageLayers()).contains("lowerdir=/a");

    // a second container of another shim: found in the remembered directory through its shim
    String other = ID.replace('7', '8');
    Path otherRoot =
        Files.createDirectories(
            proc.resolve("778/root").resolve(TASKS.substring(1) + other + "/rootfs"));
    Files.createDirectories(proc.resolve("4343"));
    Files.writeString(proc.resolve("4343/status"), "PPid:\t778\n");
    Files.createSymbolicLink(proc.resolve("4343/root"), otherRoot);
    Files.delete(proc.resolve("777/mountinfo"));

    var second = roots.find(other, 4343).orElseThrow();

    assertThat(second.kind()).isEqualTo(ContainerRoots.Kind.HOST_MOUNT);
    assertThat(second.hostPath()).isEqualTo(otherRoot);
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
