// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens directories below a root one component at a time, each with {@code O_NOFOLLOW} relative to
 * its parent's descriptor, so a component swapped for a symlink after resolution fails instead of
 * leading out of the root. {@link #eachTime} walks the chain again for every step and closes it
 * after; {@link #keptOpen} opens each directory once and keeps its descriptor until {@link #close},
 * which turns the 300 writes of a 300-CA injection into writes relative to a handful of descriptors
 * (docs/dev/enterprise-bundles.md measured the walk at 48 % of such an injection). Thread-safe.
 */
abstract sealed class DirectoryWalk implements AutoCloseable {

  /** At most this many descriptors are kept open per root; past it each step walks again. */
  static final int MAX_KEPT_OPEN = 256;

  /** One step made in an open directory: a create, rename, unlink or read relative to it. */
  @FunctionalInterface
  interface Step<T> {
    T in(SecureDirectoryStream<Path> dir) throws IOException;
  }

  /** Walks for every step. */
  static DirectoryWalk eachTime(Path root) {
    return new EachTime(root);
  }

  /** Keeps every directory it opened open until closed; after that it walks for every step. */
  static DirectoryWalk keptOpen(Path root) {
    return new KeptOpen(root);
  }

  private final Path root;

  private DirectoryWalk(Path root) {
    this.root = root;
  }

  /**
   * Makes {@code step} in the directory {@code root/components...}.
   *
   * @throws IOException if a component is missing, not a directory, or a symlink, or the step fails
   */
  abstract <T> T in(List<String> components, Step<T> step) throws IOException;

  /** Closes the descriptors kept open; later steps walk each time. */
  @Override
  public void close() {}

  /** Opens {@code root/components...} as a new secure directory stream; the caller closes it. */
  static SecureDirectoryStream<Path> open(Path root, List<String> components) throws IOException {
    SecureDirectoryStream<Path> current = openRoot(root);
    try {
      for (String name : components) {
        SecureDirectoryStream<Path> next = child(current, name);
        current.close();
        current = next;
      }
      return current;
    } catch (IOException | RuntimeException e) {
      current.close();
      throw e;
    }
  }

  final <T> T walkEachTime(List<String> components, Step<T> step) throws IOException {
    try (SecureDirectoryStream<Path> dir = open(root, components)) {
      return step.in(dir);
    }
  }

  private static SecureDirectoryStream<Path> child(SecureDirectoryStream<Path> parent, String name)
      throws IOException {
    return parent.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
  }

  private static SecureDirectoryStream<Path> openRoot(Path root) throws IOException {
    DirectoryStream<Path> stream = Files.newDirectoryStream(root);
    if (stream instanceof SecureDirectoryStream<Path> secure) {
      return secure;
    }
    stream.close();
    throw new IOException(
        "open root " + root + ": the file system offers no secure directory access");
  }

  private static final class EachTime extends DirectoryWalk {
    EachTime(Path root) {
      super(root);
    }

    @Override
    <T> T in(List<String> components, Step<T> step) throws IOException {
      return walkEachTime(components, step);
    }
  }

  private static final class KeptOpen extends DirectoryWalk {
    private final Path root;
    private final Map<List<String>, SecureDirectoryStream<Path>> open = new HashMap<>();
    private boolean closed;

    KeptOpen(Path root) {
      super(root);
      this.root = root;
    }

    @Override
    <T> T in(List<String> components, Step<T> step) throws IOException {
      SecureDirectoryStream<Path> dir = kept(components);
      return dir == null ? walkEachTime(components, step) : step.in(dir);
    }

    /** The kept descriptor of the directory, opened now if needed; null once closed or full. */
    private synchronized SecureDirectoryStream<Path> kept(List<String> components)
        throws IOException {
      if (closed) {
        return null;
      }
      SecureDirectoryStream<Path> known = open.get(components);
      if (known != null || open.size() >= MAX_KEPT_OPEN) {
        return known;
      }
      SecureDirectoryStream<Path> dir;
      if (components.isEmpty()) {
        dir = openRoot(root);
      } else {
        SecureDirectoryStream<Path> parent = kept(components.subList(0, components.size() - 1));
        if (parent == null) {
          return null;
        }
        dir = child(parent, components.getLast());
      }
      open.put(List.copyOf(components), dir);
      return dir;
    }

    @Override
    public synchronized void close() {
      closed = true;
      for (SecureDirectoryStream<Path> dir : open.values()) {
        try {
          dir.close();
        } catch (IOException ignored) {
          // closing a directory descriptor only fails if it is already closed
        }
      }
      open.clear();
    }
  }
}
