// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a container path component by component under a host root with chroot semantics:
 * absolute symlink targets restart at the root and more than {@link #MAX_SYMLINK_HOPS} symlinks
 * (the kernel's MAXSYMLINKS) end the walk. The result is what the kernel would resolve inside a
 * chroot; what a trust store never needs is flagged {@link Resolution#unsafe}: a symlink's {@code
 * ..} that climbs above the root (the kernel clamps it), a symlink pointing at the root itself, and
 * one leading into {@code /proc}, {@code /sys} or {@code /dev}. Stateless and thread-safe; what it
 * learns of each path comes from a {@link Lookup}.
 */
final class PathResolver {

  /** The Linux kernel follows at most 40 symlinks while resolving one path. */
  static final int MAX_SYMLINK_HOPS = 40;

  /** Top-level directories holding the container's kernel interfaces, never trust stores. */
  private static final Set<String> PSEUDO_FILESYSTEMS = Set.of("proc", "sys", "dev");

  private PathResolver() {}

  /**
   * The components of a resolved path below the root; the first {@code existing} of them exist on
   * disk, are no symlinks, and all but the last are directories.
   *
   * @param components names below the root, never empty strings, "." or ".."
   * @param existing how many leading components exist
   * @param unsafe why the symlinks followed lead where no trust store belongs, if they do
   */
  record Resolution(List<String> components, int existing, Optional<String> unsafe) {
    Resolution {
      components = List.copyOf(components);
    }

    boolean exists() {
      return existing == components.size();
    }

    Path hostPath(Path root) {
      return PathResolver.hostPath(root, components);
    }
  }

  static Path hostPath(Path root, List<String> components) {
    return components.isEmpty() ? root : root.resolve(String.join("/", components));
  }

  static Resolution resolve(Path root, String containerPath, Lookup lookup) throws IOException {
    checkContainerPath(containerPath);
    Deque<String> todo = new ArrayDeque<>();
    pushFront(todo, containerPath);
    List<String> done = new ArrayList<>();
    int hops = 0;
    Optional<String> unsafe = Optional.empty();
    while (!todo.isEmpty()) {
      String name = todo.pollFirst();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        unsafe = climb(done, hops > 0, unsafe);
        continue;
      }
      Path host = hostPath(root, done).resolve(name);
      Lookup.Node node = lookup.lstat(host);
      if (node.kind() == FileKind.MISSING) {
        done.add(name);
        return missing(done, todo, hops, unsafe);
      }
      if (node.linkTarget().isPresent()) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new SymlinkLoopException(containerPath, MAX_SYMLINK_HOPS);
        }
        String target = node.linkTarget().get();
        if (target.startsWith("/")) {
          done.clear();
        }
        unsafe = unsafe.isPresent() ? unsafe : atRoot(name, done.size(), target);
        pushFront(todo, target);
        continue;
      }
      done.add(name);
      if (node.kind() != FileKind.DIRECTORY && !todo.isEmpty()) {
        throw new RootfsEscapeException(
            "resolve " + containerPath + ": /" + String.join("/", done) + " is not a directory");
      }
    }
    return new Resolution(done, done.size(), unsafe.isPresent() ? unsafe : pseudo(done, hops));
  }

  /** Goes one directory up; a symlink's climb above the root (the kernel clamps it) is unsafe. */
  private static Optional<String> climb(
      List<String> done, boolean viaSymlink, Optional<String> unsafe) {
    if (!done.isEmpty()) {
      done.removeLast();
      return unsafe;
    }
    return viaSymlink && unsafe.isEmpty()
        ? Optional.of("a symlink climbs above the container root")
        : unsafe;
  }

  /** Why symlink {@code name} is unsafe if its target is the root itself. */
  private static Optional<String> atRoot(String name, int depth, String target) {
    return pointsAtRoot(depth, target)
        ? Optional.of("symlink " + name + " points at the container root")
        : Optional.empty();
  }

  /** Lexically: {@code target}, seen from a directory {@code depth} below the root, is the root. */
  private static boolean pointsAtRoot(int depth, String target) {
    int at = target.startsWith("/") ? 0 : depth;
    boolean named = false;
    for (String name : target.split("/")) {
      if (name.equals("..")) {
        at = Math.max(0, at - 1);
      } else if (!name.isEmpty() && !name.equals(".")) {
        at++;
        named = true;
      }
    }
    return at == 0 && !named;
  }

  /** Why a symlink-led path into the container's kernel interfaces is unsafe. */
  private static Optional<String> pseudo(List<String> components, int hops) {
    return hops > 0 && !components.isEmpty() && PSEUDO_FILESYSTEMS.contains(components.getFirst())
        ? Optional.of("a symlink leads into /" + components.getFirst() + ", a kernel interface")
        : Optional.empty();
  }

  static void checkContainerPath(String containerPath) throws RootfsEscapeException {
    if (!containerPath.startsWith("/")) {
      throw new RootfsEscapeException(
          "resolve " + containerPath + ": not an absolute container path");
    }
    if (containerPath.indexOf('\0') >= 0) {
      throw new RootfsEscapeException("resolve container path: contains a NUL character");
    }
  }

  /** The rest below a missing component cannot hold symlinks: it is normalised lexically. */
  private static Resolution missing(
      List<String> done, Deque<String> todo, int hops, Optional<String> unsafe) {
    int existing = done.size() - 1;
    for (String name : todo) {
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (done.size() > existing + 1) {
          done.removeLast();
        }
        continue;
      }
      done.add(name);
    }
    return new Resolution(done, existing, unsafe.isPresent() ? unsafe : pseudo(done, hops));
  }

  private static void pushFront(Deque<String> todo, String path) {
    String[] names = path.split("/", -1);
    for (int i = names.length - 1; i >= 0; i--) {
      todo.addFirst(names[i]);
    }
  }
}
