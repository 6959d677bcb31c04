// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import java.io.IOException;

/** The plugin runs as uid 0 without a capability docs/security.md documents as needed. */
public final class MissingCapabilityException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which capabilities are missing and what needs each
   */
  public MissingCapabilityException(String message) {
    super(message);
  }
}
