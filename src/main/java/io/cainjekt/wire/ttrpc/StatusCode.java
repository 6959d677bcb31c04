// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

/** gRPC status codes, the error currency of ttrpc responses. */
public enum StatusCode {
  OK,
  CANCELLED,
  UNKNOWN,
  INVALID_ARGUMENT,
  DEADLINE_EXCEEDED,
  NOT_FOUND,
  ALREADY_EXISTS,
  PERMISSION_DENIED,
  RESOURCE_EXHAUSTED,
  FAILED_PRECONDITION,
  ABORTED,
  OUT_OF_RANGE,
  UNIMPLEMENTED,
  INTERNAL,
  UNAVAILABLE,
  DATA_LOSS,
  UNAUTHENTICATED;

  /** The wire value (the ordinal, as gRPC defines it). */
  public int code() {
    return ordinal();
  }

  /** Maps a wire value; values we do not know become {@link #UNKNOWN}. */
  public static StatusCode of(int code) {
    StatusCode[] all = values();
    return code >= 0 && code < all.length ? all[code] : UNKNOWN;
  }
}
