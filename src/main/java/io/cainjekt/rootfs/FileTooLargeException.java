// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;

/** A read that would return more than its byte cap; nothing past the cap is read. */
public class FileTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param containerPath the file inside the root
   * @param maxBytes the cap that was exceeded
   */
  public FileTooLargeException(String containerPath, long maxBytes) {
    super("read " + containerPath + ": larger than the cap of " + maxBytes + " bytes");
  }
}
