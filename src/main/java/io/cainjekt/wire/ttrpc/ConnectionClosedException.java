// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.io.IOException;

/** The connection is gone (EOF, reset, closed channel, or closed by us after an error). */
public final class ConnectionClosedException extends IOException {
  private static final long serialVersionUID = 1L;

  public ConnectionClosedException(String message) {
    super(message);
  }

  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
