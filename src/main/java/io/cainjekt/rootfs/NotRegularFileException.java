// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;

/**
 * A read or write target that is not a regular file (directory, FIFO, socket, device), refused
 * before it is opened so a FIFO never blocks and a device is never written.
 */
public class NotRegularFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param action what we tried, e.g. "read" or "write"
   * @param containerPath the path inside the root
   * @param type the file type found, e.g. "directory" or "fifo"
   */
  public NotRegularFileException(String action, String containerPath, String type) {
    super(action + " " + containerPath + ": is a " + type + ", not a regular file");
  }
}
