// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.IOException;

/**
 * A CA input we refuse: unparseable, empty, or holding a non-certificate block. The message names
 * the source and, where it applies, the 1-based PEM block index and block type; it never contains
 * the block's body.
 */
public class TrustBundleException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was read from which source and why it was refused
   */
  public TrustBundleException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what was read from which source and why it was refused
   * @param cause the underlying failure
   */
  public TrustBundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
