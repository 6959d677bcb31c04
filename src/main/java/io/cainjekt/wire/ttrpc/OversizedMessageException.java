// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

/** A message longer than the limit; the connection stays up, the one stream fails. */
public final class OversizedMessageException extends TtrpcProtocolException {
  private static final long serialVersionUID = 1L;

  private final long length;
  private final long max;

  public OversizedMessageException(long length, long max) {
    super("message length " + length + " exceeds maximum message size of " + max);
    this.length = length;
    this.max = max;
  }

  public long length() {
    return length;
  }

  public long max() {
    return max;
  }
}
