// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import com.google.protobuf.ByteString;

/**
 * Content with the CRC32C of other content: what an image would forge to pass its bundle off as
 * another's where content is known by value (Content).
 */
final class Crc32cForgery {

  private Crc32cForgery() {}

  /** The CRC32C that {@link Content} keys by, unsigned: the forgery follows what the code uses. */
  static long crc32c(byte[] bytes) {
    return Integer.toUnsignedLong(Content.of(ByteString.copyFrom(bytes)).crc());
  }

  /**
   * Flips a set of the last 64 bits of {@code content} whose effects on the CRC cancel out. For
   * equal lengths a CRC is affine in the message bits, so the change a flip makes to the CRC does
   * not depend on the other bits; 64 such 32-bit changes are linearly dependent, and Gaussian
   * elimination over GF(2) finds the subset.
   */
  static byte[] sameCrcOtherBytes(byte[] content) {
    int bits = 64;
    long base = crc32c(content);
    long[] rows = new long[bits]; // the CRC change of a flip, in the low 32 bits
    long[] subsets = new long[bits]; // which flips a row stands for
    for (int i = 0; i < bits; i++) {
      rows[i] = crc32c(flipped(content, 1L << i)) ^ base;
      subsets[i] = 1L << i;
    }
    for (int bit = 31, pivot = 0; bit >= 0; bit--) {
      int row = pivot;
      while (row < bits && (rows[row] >>> bit & 1) == 0) {
        row++;
      }
      if (row == bits) {
        continue;
      }
      long r = rows[row];
      long sub = subsets[row];
      rows[row] = rows[pivot];
      subsets[row] = subsets[pivot];
      rows[pivot] = r;
      subsets[pivot] = sub;
      for (int other = 0; other < bits; other++) {
        if (other != pivot && (rows[other] >>> bit & 1) == 1) {
          rows[other] ^= r;
          subsets[other] ^= sub;
        }
      }
      pivot++;
    }
    for (int i = 0; i < bits; i++) {
      if (rows[i] == 0) {
        return flipped(content, subsets[i]);
      }
    }
    throw new AssertionError("64 vectors of 32 bits are always dependent");
  }

  private static byte[] flipped(byte[] content, long mask) {
    byte[] copy = content.clone();
    for (int i = 0; i < 64; i++) {
      if ((mask >>> i & 1) == 1) {
        copy[copy.length - 8 + i / 8] ^= (byte) (1 << (i % 8));
      }
    }
    return copy;
  }
}
