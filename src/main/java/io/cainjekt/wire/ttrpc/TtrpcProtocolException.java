// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.io.IOException;

/** The peer broke the ttrpc protocol; the message names the rule and the values. */
public class TtrpcProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  public TtrpcProtocolException(String message) {
    super(message);
  }

  public TtrpcProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
