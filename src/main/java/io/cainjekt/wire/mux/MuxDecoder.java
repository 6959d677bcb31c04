// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.mux;

import io.cainjekt.wire.ttrpc.TtrpcProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Splits the trunk byte stream into per-connection byte streams, with no threads and no I/O.
 * Accepts chunks of any size and frames of any size; payload is handed on as it arrives, so a large
 * frame is never buffered whole. Confined to the reader thread.
 */
public final class MuxDecoder {

  /** Receives the payload bytes of one connection, in order. */
  @FunctionalInterface
  public interface Sink {
    void accept(int connId, ByteBuffer payload) throws IOException;
  }

  private final ByteBuffer header = ByteBuffer.allocate(MuxHeader.HEADER_BYTES);
  private int connId;
  private long remaining;
  private boolean inFrame;

  /**
   * Consumes all of {@code chunk}.
   *
   * @throws TtrpcProtocolException for a frame on the reserved connection 0
   */
  public void feed(ByteBuffer chunk, Sink sink) throws IOException {
    while (chunk.hasRemaining()) {
      if (!inFrame) {
        readHeader(chunk);
        continue;
      }
      int n = (int) Math.min(remaining, chunk.remaining());
      ByteBuffer piece = chunk.slice(chunk.position(), n);
      chunk.position(chunk.position() + n);
      remaining -= n;
      inFrame = remaining > 0;
      sink.accept(connId, piece);
    }
  }

  /** Whether the decoder sits between frames. */
  public boolean idle() {
    return !inFrame && header.position() == 0;
  }

  private void readHeader(ByteBuffer chunk) throws TtrpcProtocolException {
    while (header.hasRemaining() && chunk.hasRemaining()) {
      header.put(chunk.get());
    }
    if (header.hasRemaining()) {
      return;
    }
    header.flip();
    MuxHeader h = MuxHeader.decode(header);
    header.clear();
    if (h.connId() == ConnIds.RESERVED) {
      throw new TtrpcProtocolException(
          "mux frame of " + h.length() + " bytes on reserved connection id 0");
    }
    connId = h.connId();
    remaining = h.length();
    inFrame = remaining > 0;
  }
}
