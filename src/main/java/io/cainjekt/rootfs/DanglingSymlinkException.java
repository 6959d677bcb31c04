// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;

/**
 * A path that must name an existing file when it is a symlink, but whose symlink chain ends at
 * nothing inside the container root (e.g. a bundle linked to a host path the image does not hold).
 */
public class DanglingSymlinkException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param containerPath the path that was read
   * @param resolved where its symlinks lead inside the root
   */
  public DanglingSymlinkException(String containerPath, String resolved) {
    super(
        "read "
            + containerPath
            + ": a symlink to "
            + resolved
            + ", which does not exist in the container");
  }
}
