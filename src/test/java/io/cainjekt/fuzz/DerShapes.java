// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Random;

/**
 * DER-shaped hostile input for the DER fuzz tests: nested TLVs whose lengths lie (indefinite 0x80,
 * long forms such as 0x84 ff ff ff ff or five length bytes, lengths past the end or zero),
 * multi-byte tags, and very deep nesting. Every shape comes from a {@link Mutator}'s random source,
 * so a case replays from its number. Stateless.
 */
public final class DerShapes {

  private static final int[] TAGS = {0x30, 0x31, 0x02, 0x04, 0x06, 0x0c, 0x13, 0x1e, 0x1c, 0xa0};

  private DerShapes() {}

  /** One random shape of at most a few KiB, nested up to 40 levels. */
  public static byte[] random(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    element(random, out, random.nextInt(40));
    return out.toByteArray();
  }

  private static void element(Random random, ByteArrayOutputStream out, int depth) {
    out.write(random.nextInt(12) == 0 ? 0x1f | (random.nextInt(8) << 5) : pick(random, TAGS));
    byte[] contents;
    if (depth > 0 && random.nextInt(4) != 0) {
      ByteArrayOutputStream inner = new ByteArrayOutputStream();
      int children = 1 + random.nextInt(3);
      for (int i = 0; i < children; i++) {
        element(random, inner, depth - 1 - random.nextInt(depth));
      }
      contents = inner.toByteArray();
    } else {
      contents = new byte[random.nextInt(24)];
      random.nextBytes(contents);
    }
    length(random, out, contents.length);
    out.writeBytes(contents);
  }

  /** The true length most of the time, else a lie. */
  private static void length(Random random, ByteArrayOutputStream out, int actual) {
    switch (random.nextInt(10)) {
      case 0 -> out.write(0x80); // BER indefinite
      case 1 -> out.writeBytes(new byte[] {(byte) 0x84, -1, -1, -1, -1});
      case 2 -> out.writeBytes(new byte[] {(byte) 0x85, 1, 0, 0, 0, 0});
      case 3 -> out.writeBytes(new byte[] {(byte) 0x84, 0x7f, -1, -1, -1});
      case 4 -> out.write(Math.min(0x7f, actual + 1 + random.nextInt(8))); // past the end
      case 5 -> out.writeBytes(new byte[] {(byte) 0x82, 0, (byte) actual}); // non-minimal
      case 6 -> out.write(0xff);
      default -> {
        if (actual < 0x80) {
          out.write(actual);
        } else {
          out.writeBytes(new byte[] {(byte) 0x82, (byte) (actual >>> 8), (byte) actual});
        }
      }
    }
  }

  /**
   * {@code levels} SEQUENCEs nested inside each other with true definite lengths around {@code
   * innermost}: a parser that recurses per level overflows its stack long before the end.
   */
  public static byte[] nested(int levels, byte[] innermost) {
    byte[] out = new byte[innermost.length + 6 * levels];
    int start = out.length - innermost.length;
    System.arraycopy(innermost, 0, out, start, innermost.length);
    for (int i = 0; i < levels; i++) {
      int n = out.length - start;
      byte[] header =
          n < 0x80
              ? new byte[] {0x30, (byte) n}
              : new byte[] {
                0x30, (byte) 0x84, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n
              };
      start -= header.length;
      System.arraycopy(header, 0, out, start, header.length);
    }
    return java.util.Arrays.copyOfRange(out, start, out.length);
  }

  /** {@code levels} SEQUENCEs with indefinite lengths (0x30 0x80), never closed. */
  public static byte[] nestedIndefinite(int levels) {
    byte[] out = new byte[2 * levels];
    for (int i = 0; i < levels; i++) {
      out[2 * i] = 0x30;
      out[2 * i + 1] = (byte) 0x80;
    }
    return out;
  }

  private static int pick(Random random, int[] values) {
    return values[random.nextInt(values.length)];
  }
}
