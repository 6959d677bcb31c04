// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.io.IOException;

/** Writes one complete ttrpc message (header plus payload) atomically to the transport. */
@FunctionalInterface
public interface MessageWriter {
  void write(byte[] message) throws IOException;
}
