// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The 10-byte ttrpc header: payload length, stream id (both u32 big-endian), type, flags.
 *
 * @param dataLength payload bytes that follow the header
 * @param streamId the call this message belongs to; odd for client-initiated streams
 * @param type request, response or data
 * @param flags the flags byte
 */
public record FrameHeader(int dataLength, int streamId, MessageType type, int flags) {

  /** Size of the encoded header. */
  public static final int HEADER_BYTES = 10;

  /** Largest payload either side accepts (ttrpc's messageLengthMax). */
  public static final int MAX_MESSAGE_BYTES = 4 << 20;

  public FrameHeader {
    Objects.requireNonNull(type, "type");
    if (dataLength < 0) {
      throw new IllegalArgumentException("data length " + dataLength + " must not be negative");
    }
  }

  /** Writes the header at the buffer's position. */
  public void encode(ByteBuffer out) {
    out.putInt(dataLength).putInt(streamId).put((byte) type.code()).put((byte) flags);
  }

  /** The encoded header bytes. */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES);
    encode(out);
    return out.array();
  }

  /**
   * Reads a header from exactly {@link #HEADER_BYTES} bytes at the buffer's position.
   *
   * @throws TtrpcProtocolException for an unknown type or a length above 2 GiB
   */
  public static FrameHeader decode(ByteBuffer in) throws TtrpcProtocolException {
    long length = Integer.toUnsignedLong(in.getInt());
    int streamId = in.getInt();
    int type = Byte.toUnsignedInt(in.get());
    int flags = Byte.toUnsignedInt(in.get());
    if (length > Integer.MAX_VALUE) {
      throw new TtrpcProtocolException("message length " + length + " is beyond any sane size");
    }
    return new FrameHeader((int) length, streamId, MessageType.of(type), flags);
  }

  /** Whether the payload exceeds {@link #MAX_MESSAGE_BYTES}. */
  public boolean oversized() {
    return dataLength > MAX_MESSAGE_BYTES;
  }

  @Override
  public String toString() {
    return "stream="
        + Integer.toUnsignedString(streamId)
        + " "
        + type
        + " flags=0x"
        + Integer.toHexString(flags)
        + " len="
        + dataLength;
  }
}
