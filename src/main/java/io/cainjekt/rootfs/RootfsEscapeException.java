// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;

/**
 * A container path that cannot be resolved safely inside its root: not absolute, more than 40
 * symlink hops (a loop, {@link SymlinkLoopException}), a non-directory in the middle of the path,
 * or, for a trust store ({@link RootFs#readTrustStore}), symlinks that climb above the root, point
 * at the root itself or lead into /proc, /sys or /dev.
 */
public class RootfsEscapeException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was resolved and why it was refused
   */
  public RootfsEscapeException(String message) {
    super(message);
  }
}
