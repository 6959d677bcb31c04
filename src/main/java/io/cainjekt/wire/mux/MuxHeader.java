// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.mux;

import java.nio.ByteBuffer;

/**
 * The 8-byte header of a mux frame: logical connection id and payload length, both u32 big-endian.
 *
 * @param connId logical connection (1 plugin, 2 runtime, 0 reserved)
 * @param length payload bytes that follow
 */
public record MuxHeader(int connId, long length) {

  /** Size of the encoded header. */
  public static final int HEADER_BYTES = 8;

  /**
   * Largest payload we put in one frame: the Go side reads the start of a message through a
   * 4096-byte buffer and fails on a larger first frame.
   */
  public static final int MAX_SEND_PAYLOAD_BYTES = 4096;

  public MuxHeader {
    if (length < 0 || length > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("frame length " + length + " is not a u32");
    }
  }

  public void encode(ByteBuffer out) {
    out.putInt(connId).putInt((int) length);
  }

  /** Reads a header from exactly {@link #HEADER_BYTES} bytes. */
  public static MuxHeader decode(ByteBuffer in) {
    return new MuxHeader(in.getInt(), Integer.toUnsignedLong(in.getInt()));
  }
}
