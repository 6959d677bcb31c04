// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.util.Optional;

/**
 * Why {@link RootFs} refused a path of a (possibly hostile) image: the classification of its
 * exceptions that callers count and report. Stateless.
 */
public enum RootfsRefusal {
  /** A symlink that climbs above the root, points at the root itself or into /proc, /sys, /dev. */
  ESCAPE,
  /** More symlink hops than the kernel follows. */
  SYMLINK_LOOP,
  /** A symlink that must lead to a file but leads to nothing inside the root. */
  DANGLING_SYMLINK,
  /** A directory, FIFO, socket or device where a regular file is needed. */
  NOT_REGULAR_FILE,
  /** A file over the read cap. */
  OVERSIZED_FILE;

  /** The refusal behind {@code error} or one of its causes; empty for any other failure. */
  public static Optional<RootfsRefusal> of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      Optional<RootfsRefusal> refusal = direct(t);
      if (refusal.isPresent()) {
        return refusal;
      }
    }
    return Optional.empty();
  }

  private static Optional<RootfsRefusal> direct(Throwable t) {
    return switch (t) {
      case SymlinkLoopException _ -> Optional.of(SYMLINK_LOOP);
      case RootfsEscapeException _ -> Optional.of(ESCAPE);
      case DanglingSymlinkException _ -> Optional.of(DANGLING_SYMLINK);
      case NotRegularFileException _ -> Optional.of(NOT_REGULAR_FILE);
      case FileTooLargeException _ -> Optional.of(OVERSIZED_FILE);
      default -> Optional.empty();
    };
  }
}
