// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.util.Objects;

/**
 * A non-OK status: returned by the remote side of a call, or thrown by a server handler to choose
 * the status of its reply.
 */
public final class TtrpcStatusException extends Exception {
  private static final long serialVersionUID = 1L;

  private final StatusCode code;

  public TtrpcStatusException(StatusCode code, String message) {
    super(code + ": " + message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public TtrpcStatusException(StatusCode code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public StatusCode code() {
    return code;
  }

  /** The message without the code prefix. */
  public String description() {
    String message = getMessage();
    return message.substring(code.name().length() + 2);
  }
}
