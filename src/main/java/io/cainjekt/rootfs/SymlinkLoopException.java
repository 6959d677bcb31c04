// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

/** A container path whose resolution follows more symlinks than the kernel would (a loop). */
public class SymlinkLoopException extends RootfsEscapeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param containerPath the path being resolved
   * @param maxHops the hop limit that was exceeded
   */
  public SymlinkLoopException(String containerPath, int maxHops) {
    super("resolve " + containerPath + ": more than " + maxHops + " symlink hops");
  }
}
