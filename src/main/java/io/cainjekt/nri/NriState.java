// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

/** Where the stub stands with the runtime; {@link #SYNCHRONIZED} means ready. */
public enum NriState {
  /** No connection to the runtime (starting, lost, or closed). */
  DISCONNECTED,
  /** Connected and registered, waiting for Configure/Synchronize. */
  CONNECTED,
  /** Synchronized: events flow. */
  SYNCHRONIZED
}
