// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the host path of a running container's root filesystem.
 *
 * <p>The preferred door is the runtime's own mount of the rootfs in the host mount namespace,
 * {@code <containerd state>/io.containerd.runtime.v2.task/<namespace>/<id>/rootfs}, reached through
 * {@code /proc/1/root} (the DaemonSet runs with hostPID). That mount is writable even when the
 * container's view is read-only (E2E-NOTES.md), and it carries none of the container's volume
 * mounts, so a write there can never land in a volume or a host path mounted into the container. It
 * is found by scanning pid 1's mountinfo, so no state directory needs configuring. When it is not
 * there (another runtime, kata), {@code /proc/<pid>/root} is the fallback. Thread-safe.
 */
final class ContainerRoots {

  /** Where containerd's v2 shims mount task root filesystems. */
  static final String TASK_DIR = "/io.containerd.runtime.v2.task/";

  private static final long MAX_MOUNTINFO_BYTES = 32L << 20;

  private final Path procRoot;

  /**
   * @param procRoot the proc filesystem, {@code /proc} in production
   */
  ContainerRoots(Path procRoot) {
    this.procRoot = procRoot;
  }

  /** Which door a root was found through. */
  enum Kind {
    /** The runtime's rootfs mount in the host mount namespace. */
    HOST_MOUNT,
    /** {@code /proc/<pid>/root}, the container's own view (read-only when its rootfs is). */
    PROC_PID_ROOT
  }

  /**
   * A container root on the host.
   *
   * @param hostPath where it is
   * @param kind which door it was found through
   * @param imageLayers for an overlay mount of the runtime, its {@code lowerdir} option: the
   *     image's read-only layers, which identify what the root holds before anything is written
   */
  record Root(Path hostPath, Kind kind, Optional<String> imageLayers) {}

  /** The rootfs mount of a container: where it is mounted and, for overlayfs, its lower layers. */
  record Mount(String mountPoint, Optional<String> lowerLayers) {}

  /** The root of container {@code containerId} whose init process is {@code pid}. */
  Optional<Root> find(String containerId, int pid) throws IOException {
    Optional<Mount> own = mount(procRoot.resolve("self/mountinfo"), containerId);
    if (own.isPresent() && Files.isDirectory(Path.of(own.get().mountPoint()))) {
      // the host mount namespace
      return Optional.of(
          new Root(Path.of(own.get().mountPoint()), Kind.HOST_MOUNT, own.get().lowerLayers()));
    }
    Optional<Mount> host = mount(procRoot.resolve("1/mountinfo"), containerId);
    if (host.isPresent()) {
      Path viaPid1 = procRoot.resolve("1/root").resolve(host.get().mountPoint().substring(1));
      if (Files.isDirectory(viaPid1)) {
        return Optional.of(new Root(viaPid1, Kind.HOST_MOUNT, host.get().lowerLayers()));
      }
    }
    if (pid > 0) {
      Path pidRoot = procRoot.resolve(pid + "/root");
      if (Files.isDirectory(pidRoot)) {
        return Optional.of(new Root(pidRoot, Kind.PROC_PID_ROOT, Optional.empty()));
      }
    }
    return Optional.empty();
  }

  /**
   * The container's rootfs mount in the mount namespace whose mountinfo is {@code mountinfo}, if
   * any. A missing or unreadable mountinfo means none.
   */
  static Optional<Mount> mount(Path mountinfo, String containerId) throws IOException {
    if (!Files.isReadable(mountinfo)) {
      return Optional.empty();
    }
    String suffix = "/" + containerId + "/rootfs";
    String text;
    try (InputStream in = Files.newInputStream(mountinfo)) {
      text = new String(in.readNBytes((int) MAX_MOUNTINFO_BYTES), StandardCharsets.UTF_8);
    }
    for (String line : text.split("\n")) {
      String[] fields = line.split(" ", 6);
      if (fields.length < 5) {
        continue;
      }
      String mountPoint = unescape(fields[4]);
      if (mountPoint.endsWith(suffix) && mountPoint.contains(TASK_DIR)) {
        return Optional.of(new Mount(mountPoint, lowerLayers(line)));
      }
    }
    return Optional.empty();
  }

  /**
   * The lower layer options of an overlay mount's mountinfo line ({@code ... - overlay SOURCE
   * rw,lowerdir=A:B,upperdir=...}), verbatim.
   */
  static Optional<String> lowerLayers(String line) {
    int separator = line.indexOf(" - ");
    if (separator < 0) {
      return Optional.empty();
    }
    String[] fields = line.substring(separator + 3).split(" ");
    if (fields.length < 3 || !fields[0].equals("overlay")) {
      return Optional.empty();
    }
    // lowerdir=A:B, or one lowerdir+= (and datadir+=) per layer when mounted with the new API
    String layers =
        Arrays.stream(fields[2].split(","))
            .filter(o -> o.startsWith("lowerdir") || o.startsWith("datadir"))
            .collect(Collectors.joining(","));
    return layers.contains("=/") ? Optional.of(layers) : Optional.empty();
  }

  /** Undoes mountinfo's octal escapes ({@code \040} for a space, etc.). */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
