// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.mux;

import io.cainjekt.wire.ttrpc.MessageWriter;
import java.io.IOException;

/**
 * The sending side of one logical connection: each message goes out as frames of at most {@link
 * MuxHeader#MAX_SEND_PAYLOAD_BYTES}, never mixed with bytes of another message. Thread-safe.
 */
public final class MuxChannel implements MessageWriter {

  private final Mux mux;
  private final int connId;

  MuxChannel(Mux mux, int connId) {
    this.mux = mux;
    this.connId = connId;
  }

  public int connId() {
    return connId;
  }

  @Override
  public void write(byte[] message) throws IOException {
    mux.write(connId, message);
  }
}
