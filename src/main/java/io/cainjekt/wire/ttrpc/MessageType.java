// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

/** The ttrpc message type byte of the frame header. */
public enum MessageType {
  REQUEST(1),
  RESPONSE(2),
  DATA(3);

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  /** The wire value. */
  public int code() {
    return code;
  }

  /** Maps a wire value, throwing the protocol error a peer sending an unknown type deserves. */
  static MessageType of(int code) throws TtrpcProtocolException {
    for (MessageType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    throw new TtrpcProtocolException("message type " + code + " is unknown (1, 2 or 3 expected)");
  }
}
