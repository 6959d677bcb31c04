// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How {@link PathResolver} learns what a host path is: one {@code lstat}, plus {@code readlink} for
 * a symlink; and, to spare a second read, a regular file's content. {@link #direct()} asks the
 * kernel every time; {@link #remembering()} asks once per path until told that the path changed.
 * One injection resolves the same few directories hundreds of times (PATH entries for each runtime,
 * JDK homes, the trust store paths of every distro), and on an overlayfs each {@code lstat} walks
 * the layers. Thread-safe.
 */
abstract sealed class Lookup {

  /** What {@code lstat} said of one host path; a symlink's target, verbatim. */
  record Node(FileKind kind, Optional<String> linkTarget) {
    static final Node MISSING = new Node(FileKind.MISSING, Optional.empty());
  }

  /** The kind of {@code host} without following a final symlink, and its target if a symlink. */
  abstract Node lstat(Path host) throws IOException;

  /** The content read from the regular file {@code host} earlier, if remembered. */
  abstract Optional<ByteString> content(Path host);

  /** Remembers what was read from the regular file {@code host}. */
  abstract void rememberContent(Path host, ByteString content);

  /** Drops what was remembered of {@code host}; called for every path a change made or replaced. */
  abstract void forget(Path host);

  /** Asks the kernel every time. */
  static Lookup direct() {
    return Direct.INSTANCE;
  }

  /**
   * Remembers every answer until {@link #forget} names its path. A host path is built from
   * components that are real directories, so a change at one path changes no other answer.
   */
  static Lookup remembering() {
    return new Remembering();
  }

  private static Node ask(Path host) throws IOException {
    FileKind kind = FileKind.of(host);
    if (kind == FileKind.MISSING) {
      return Node.MISSING;
    }
    return new Node(
        kind,
        kind == FileKind.SYMLINK
            ? Optional.of(Files.readSymbolicLink(host).toString())
            : Optional.empty());
  }

  private static final class Direct extends Lookup {
    static final Direct INSTANCE = new Direct();

    @Override
    Node lstat(Path host) throws IOException {
      return ask(host);
    }

    @Override
    Optional<ByteString> content(Path host) {
      return Optional.empty();
    }

    @Override
    void rememberContent(Path host, ByteString content) {}

    @Override
    void forget(Path host) {}
  }

  private static final class Remembering extends Lookup {
    /** More paths than any injection asks about; past it the memory starts over. */
    private static final int MAX_NODES = 4096;

    /** File content kept at most: an image's bundles and keystores, a few times over. */
    private static final long MAX_CONTENT_BYTES = 8L << 20;

    private final ConcurrentHashMap<Path, Node> nodes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Path, ByteString> contents = new ConcurrentHashMap<>();
    private final AtomicLong contentBytes = new AtomicLong();

    @Override
    Node lstat(Path host) throws IOException {
      Node known = nodes.get(host);
      if (known != null) {
        return known;
      }
      Node node = ask(host);
      if (nodes.size() >= MAX_NODES) {
        nodes.clear();
      }
      nodes.put(host, node);
      return node;
    }

    @Override
    Optional<ByteString> content(Path host) {
      return Optional.ofNullable(contents.get(host));
    }

    @Override
    void rememberContent(Path host, ByteString content) {
      if (contentBytes.addAndGet(content.size()) > MAX_CONTENT_BYTES) {
        contentBytes.addAndGet(-content.size());
        return;
      }
      ByteString old = contents.put(host, content);
      if (old != null) {
        contentBytes.addAndGet(-old.size());
      }
    }

    @Override
    void forget(Path host) {
      nodes.remove(host);
      ByteString old = contents.remove(host);
      if (old != null) {
        contentBytes.addAndGet(-old.size());
      }
    }
  }
}
