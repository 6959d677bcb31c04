// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

/** ttrpc frame flags (streaming only; unary calls, the only ones NRI uses, send 0). */
public enum Flag {
  REMOTE_CLOSED(0x1),
  REMOTE_OPEN(0x2),
  NO_DATA(0x4);

  private final int bit;

  Flag(int bit) {
    this.bit = bit;
  }

  /** The bit in the flags byte. */
  public int bit() {
    return bit;
  }
}
