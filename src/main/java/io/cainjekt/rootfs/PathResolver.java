// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a container path component by component under a host root with chroot semantics:
 * absolute symlink targets restart at the root, {@code ..} never climbs above it, and more than
 * {@link #MAX_SYMLINK_HOPS} symlinks (the kernel's MAXSYMLINKS) end the walk. Stateless and
 * thread-safe.
 */
final class PathResolver {

  /** The Linux kernel follows at most 40 symlinks while resolving one path. */
  static final int MAX_SYMLINK_HOPS = 40;

  private PathResolver() {}

  /**
   * The components of a resolved path below the root; the first {@code existing} of them exist on
   * disk, are no symlinks, and all but the last are directories.
   *
   * @param components names below the root, never empty strings, "." or ".."
   * @param existing how many leading components exist
   */
  record Resolution(List<String> components, int existing) {
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

  static Resolution resolve(Path root, String containerPath) throws IOException {
    checkContainerPath(containerPath);
    Deque<String> todo = new ArrayDeque<>();
    pushFront(todo, containerPath);
    List<String> done = new ArrayList<>();
    int hops = 0;
    while (!todo.isEmpty()) {
      String name = todo.pollFirst();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (!done.isEmpty()) {
          done.removeLast();
        }
        continue;
      }
      Path host = hostPath(root, done).resolve(name);
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(host, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        done.add(name);
        return missing(done, todo);
      }
      if (attrs.isSymbolicLink()) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new RootfsEscapeException(
              "resolve " + containerPath + ": more than " + MAX_SYMLINK_HOPS + " symlink hops");
        }
        String target = Files.readSymbolicLink(host).toString();
        if (target.startsWith("/")) {
          done.clear();
        }
        pushFront(todo, target);
        continue;
      }
      done.add(name);
      if (!attrs.isDirectory() && !todo.isEmpty()) {
        throw new RootfsEscapeException(
            "resolve " + containerPath + ": /" + String.join("/", done) + " is not a directory");
      }
    }
    return new Resolution(done, done.size());
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
  private static Resolution missing(List<String> done, Deque<String> todo) {
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
    return new Resolution(done, existing);
  }

  private static void pushFront(Deque<String> todo, String path) {
    String[] names = path.split("/", -1);
    for (int i = names.length - 1; i >= 0; i--) {
      todo.addFirst(names[i]);
    }
  }
}
