// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the host path of a running container's root filesystem.
 *
 * <p>The preferred door is the runtime's own mount of the rootfs in the host mount namespace,
 * {@code <containerd state>/io.containerd.runtime.v2.task/<namespace>/<id>/rootfs}, reached through
 * {@code /proc/1/root} (the DaemonSet runs with hostPID). That mount is writable even when the
 * container's view is read-only (docs/architecture.md, "Runtime facts"), and it carries none of the
 * container's volume mounts, so a write there can never land in a volume or a host path mounted
 * into the container. It is found by scanning pid 1's mountinfo, so no state directory needs
 * configuring. Where pid 1's mount namespace is not the runtime's or cannot be opened (containerd
 * in a mount namespace of its own, an init the plugin may not trace), the same mount is looked up
 * through the container's parent, its runtime shim, which runs in the runtime's mount namespace.
 * When it is not there either (another runtime, kata), {@code /proc/<pid>/root} is the fallback.
 * Thread-safe.
 *
 * <p>The host's mountinfo lists every mount of the node, and the kernel writes it out anew for each
 * read: with 300 overlay mounts a read costs about 2 ms. So the directory of the first task root
 * found is remembered, and a later container's root is looked up there directly and taken when it
 * is the very directory the container's init process has as its root (same device and inode); its
 * image layers then come from the container's own mountinfo, a dozen lines. Anything else scans.
 */
final class ContainerRoots {

  /** Where containerd's v2 shims mount task root filesystems. */
  static final String TASK_DIR = "/io.containerd.runtime.v2.task/";

  private static final long MAX_MOUNTINFO_BYTES = 32L << 20;

  private final Path procRoot;

  /** Whose mount namespace a task root is reached through. */
  private enum Via {
    /** The plugin's own: the mount point as it is. */
    SELF,
    /** The host's init: {@code /proc/1/root}. */
    PID1,
    /** The container's parent, its shim: {@code /proc/<ppid>/root}. */
    SHIM
  }

  /**
   * Where the last scan found a task root: the mount point's prefix before {@code <id>/rootfs}, and
   * through whose mount namespace it is reached.
   */
  private record TaskDir(String prefix, Via via) {}

  private volatile TaskDir taskDir;

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
   * @param key the device and inode the root directory had when it was found
   */
  record Root(Path hostPath, Kind kind, Optional<String> imageLayers, Optional<Object> key) {

    Root(Path hostPath, Kind kind, Optional<String> imageLayers) {
      this(hostPath, kind, imageLayers, directoryKey(hostPath));
    }

    /**
     * True while the directory is still the one that was found: once the container exits, the
     * runtime unmounts its root (the mount point is another directory) or its process is gone.
     * Asked just before a running container's root is written, so a write never lands in the empty
     * mount point on the host.
     */
    boolean stillThere() {
      return key.isPresent() && key.equals(directoryKey(hostPath));
    }
  }

  /** The rootfs mount of a container: where it is mounted and, for overlayfs, its lower layers. */
  record Mount(String mountPoint, Optional<String> lowerLayers) {}

  /** The root of container {@code containerId} whose init process is {@code pid}. */
  Optional<Root> find(String containerId, int pid) throws IOException {
    Optional<Root> known = inKnownTaskDir(containerId, pid);
    if (known.isPresent()) {
      return known;
    }
    for (Via via : Via.values()) {
      Optional<Path> ns = namespaceProcess(via, pid);
      Optional<Mount> mount =
          ns.isEmpty() ? Optional.empty() : mount(ns.get().resolve("mountinfo"), containerId);
      if (mount.isPresent()) {
        Path path = onHost(mount.get().mountPoint(), via, pid);
        if (Files.isDirectory(path)) {
          remember(mount.get(), containerId, via);
          return Optional.of(new Root(path, Kind.HOST_MOUNT, mount.get().lowerLayers()));
        }
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
   * The runtime's mount of the container's root in the remembered task directory, if that is the
   * directory the container's init process has as its root.
   */
  private Optional<Root> inKnownTaskDir(String containerId, int pid) throws IOException {
    TaskDir dir = taskDir;
    if (dir == null || pid <= 0) {
      return Optional.empty();
    }
    Path candidate = onHost(dir.prefix() + containerId + "/rootfs", dir.via(), pid);
    Path pidDir = procRoot.resolve(Integer.toString(pid));
    Optional<Object> candidateKey = directoryKey(candidate);
    if (candidateKey.isEmpty() || !candidateKey.equals(directoryKey(pidDir.resolve("root")))) {
      return Optional.empty();
    }
    return Optional.of(
        new Root(
            candidate, Kind.HOST_MOUNT, rootLayers(pidDir.resolve("mountinfo")), candidateKey));
  }

  private void remember(Mount mount, String containerId, Via via) {
    String mountPoint = mount.mountPoint();
    String prefix =
        mountPoint.substring(0, mountPoint.length() - (containerId + "/rootfs").length());
    taskDir = new TaskDir(prefix, via);
  }

  /** The {@code /proc/<pid>} directory of the process whose mount namespace {@code via} names. */
  private Optional<Path> namespaceProcess(Via via, int pid) throws IOException {
    return switch (via) {
      case SELF -> Optional.of(procRoot.resolve("self"));
      case PID1 -> Optional.of(procRoot.resolve("1"));
      case SHIM -> parent(pid).map(p -> procRoot.resolve(Integer.toString(p)));
    };
  }

  /** {@code mountPoint} of the mount namespace {@code via} names, as the plugin reaches it. */
  private Path onHost(String mountPoint, Via via, int pid) throws IOException {
    return switch (via) {
      case SELF -> Path.of(mountPoint);
      case PID1 -> procRoot.resolve("1/root").resolve(mountPoint.substring(1));
      case SHIM ->
          parent(pid)
              .map(p -> procRoot.resolve(p + "/root").resolve(mountPoint.substring(1)))
              .orElse(Path.of(mountPoint));
    };
  }

  /** The parent of process {@code pid} (its {@code PPid:}), if it has one the plugin can see. */
  private Optional<Integer> parent(int pid) throws IOException {
    if (pid <= 0) {
      return Optional.empty();
    }
    return lines(procRoot.resolve(pid + "/status"))
        .filter(l -> l.startsWith("PPid:"))
        .map(l -> Integer.parseInt(l.substring("PPid:".length()).strip()))
        .filter(p -> p > 1)
        .findFirst();
  }

  /** Device and inode of a directory (symlinks followed), if it is one. */
  private static Optional<Object> directoryKey(Path dir) {
    try {
      BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class);
      return a.isDirectory() ? Optional.ofNullable(a.fileKey()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The lower layers of the mount at {@code /} in a container's mountinfo: its root, which the
   * runtime's mount of the rootfs shares a superblock and so its options with.
   */
  static Optional<String> rootLayers(Path mountinfo) throws IOException {
    return lines(mountinfo)
        .filter(line -> mountPoint(line).filter("/"::equals).isPresent())
        .reduce((first, last) -> last) // what is mounted over / last is the root
        .flatMap(ContainerRoots::lowerLayers);
  }

  /**
   * The container's rootfs mount in the mount namespace whose mountinfo is {@code mountinfo}, if
   * any. A missing or unreadable mountinfo means none.
   */
  static Optional<Mount> mount(Path mountinfo, String containerId) throws IOException {
    String suffix = "/" + containerId + "/rootfs";
    return lines(mountinfo)
        .filter(line -> line.contains(suffix)) // the kernel's text is split only where it may match
        .flatMap(line -> taskRoot(line, suffix).stream())
        .findFirst();
  }

  private static Optional<Mount> taskRoot(String line, String suffix) {
    Optional<String> mountPoint = mountPoint(line).map(ContainerRoots::unescape);
    return mountPoint
        .filter(mp -> mp.endsWith(suffix) && mp.contains(TASK_DIR))
        .map(mp -> new Mount(mp, lowerLayers(line)));
  }

  /** The mount point field of a mountinfo line, still escaped. */
  private static Optional<String> mountPoint(String line) {
    String[] fields = line.split(" ", 6);
    return fields.length >= 5 ? Optional.of(fields[4]) : Optional.empty();
  }

  /** A mountinfo's lines; none when it is missing or unreadable. */
  private static Stream<String> lines(Path mountinfo) throws IOException {
    if (!Files.isReadable(mountinfo)) {
      return Stream.empty();
    }
    try (InputStream in = Files.newInputStream(mountinfo)) {
      return new String(in.readNBytes((int) MAX_MOUNTINFO_BYTES), StandardCharsets.UTF_8).lines();
    }
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
