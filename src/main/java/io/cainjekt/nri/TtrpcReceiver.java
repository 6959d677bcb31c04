// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import io.cainjekt.wire.mux.Mux;
import io.cainjekt.wire.ttrpc.TtrpcConnection;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Plugs a ttrpc connection into one mux connection id. Called on the mux reader thread. */
record TtrpcReceiver(TtrpcConnection connection) implements Mux.Receiver {

  @Override
  public void receive(ByteBuffer payload) throws IOException {
    connection.receive(payload);
  }

  @Override
  public boolean idle() {
    return connection.idle();
  }

  @Override
  public void closed(IOException cause) {
    connection.close(cause);
  }
}
