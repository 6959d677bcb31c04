// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.mux;

/** The logical connection ids NRI uses on its multiplexed socket. */
public final class ConnIds {

  /** Reserved; a frame for it is a protocol error. */
  public static final int RESERVED = 0;

  /** The plugin service: the runtime calls us, we are the ttrpc server. */
  public static final int PLUGIN = 1;

  /** The runtime service: we call the runtime, we are the ttrpc client. */
  public static final int RUNTIME = 2;

  private ConnIds() {}
}
