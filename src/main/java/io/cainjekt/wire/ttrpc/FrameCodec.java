// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.nio.ByteBuffer;

/**
 * Bytes to ttrpc messages and back, with no threads and no I/O. The decoder takes the byte stream
 * of one connection in chunks of any size (a header may be split over several chunks) and emits
 * whole messages. A message longer than {@link FrameHeader#MAX_MESSAGE_BYTES} is skipped without
 * buffering and reported as {@link Decoded.Oversized}, so the caller can fail that one stream.
 *
 * <p>Confined to the reader thread.
 */
public final class FrameCodec {

  /** What the decoder produced. */
  public sealed interface Decoded {
    FrameHeader header();

    /** A complete message. */
    record Message(FrameHeader header, byte[] payload) implements Decoded {}

    /** A message whose payload was skipped because it exceeds the limit. */
    record Oversized(FrameHeader header) implements Decoded {}
  }

  /** Receives decoded messages. */
  @FunctionalInterface
  public interface Sink {
    void accept(Decoded decoded) throws java.io.IOException;
  }

  private final ByteBuffer header = ByteBuffer.allocate(FrameHeader.HEADER_BYTES);
  private FrameHeader current;
  private byte[] payload;
  private int filled;
  private long skipRemaining;

  /** Encodes one message: header plus payload. */
  public static byte[] encode(int streamId, MessageType type, int flags, byte[] payload) {
    FrameHeader h = new FrameHeader(payload.length, streamId, type, flags);
    ByteBuffer out = ByteBuffer.allocate(FrameHeader.HEADER_BYTES + payload.length);
    h.encode(out);
    out.put(payload);
    return out.array();
  }

  /**
   * Consumes all remaining bytes of {@code chunk}, handing every completed message to the sink.
   *
   * @throws TtrpcProtocolException when the stream is malformed; the decoder is then unusable
   */
  public void feed(ByteBuffer chunk, Sink sink) throws java.io.IOException {
    while (chunk.hasRemaining()) {
      if (skipRemaining > 0) {
        int n = (int) Math.min(skipRemaining, chunk.remaining());
        chunk.position(chunk.position() + n);
        skipRemaining -= n;
        if (skipRemaining == 0) {
          FrameHeader skipped = current;
          current = null;
          sink.accept(new Decoded.Oversized(skipped));
        }
      } else if (current == null) {
        readHeader(chunk, sink);
      } else {
        int n = Math.min(payload.length - filled, chunk.remaining());
        chunk.get(payload, filled, n);
        filled += n;
        if (filled == payload.length) {
          emitMessage(sink);
        }
      }
    }
  }

  /** Whether the decoder sits between messages (nothing buffered, nothing skipped). */
  public boolean idle() {
    return current == null && header.position() == 0;
  }

  private void readHeader(ByteBuffer chunk, Sink sink) throws java.io.IOException {
    while (header.hasRemaining() && chunk.hasRemaining()) {
      header.put(chunk.get());
    }
    if (header.hasRemaining()) {
      return;
    }
    header.flip();
    current = FrameHeader.decode(header);
    header.clear();
    if (current.oversized()) {
      skipRemaining = current.dataLength();
      return;
    }
    payload = new byte[current.dataLength()];
    filled = 0;
    if (payload.length == 0) {
      emitMessage(sink);
    }
  }

  private void emitMessage(Sink sink) throws java.io.IOException {
    Decoded.Message message = new Decoded.Message(current, payload);
    current = null;
    payload = null;
    sink.accept(message);
  }
}
