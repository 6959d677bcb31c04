// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The project's one DER writer (X.690): the few encodings a PKCS12 truststore needs, and {@link
 * #tlv} for callers elsewhere. Reading is {@link DerReader}. Stateless and thread-safe.
 */
public final class Der {

  private static final int TAG_INTEGER = 0x02;
  private static final int TAG_OCTET_STRING = 0x04;
  private static final int TAG_OID = 0x06;
  private static final int TAG_BMP_STRING = 0x1e;
  private static final int TAG_SEQUENCE = 0x30;
  private static final int TAG_SET = 0x31;
  private static final int TAG_CONTEXT_0 = 0xa0;

  private Der() {}

  static byte[] sequence(byte[]... elements) {
    return tlv(TAG_SEQUENCE, elements);
  }

  /** A SET OF, with its elements in DER order. */
  static byte[] setOf(byte[]... elements) {
    List<byte[]> sorted = new ArrayList<>(Arrays.asList(elements));
    sorted.sort(Arrays::compareUnsigned);
    return tlv(TAG_SET, sorted.toArray(new byte[0][]));
  }

  /** {@code [0] EXPLICIT}. */
  static byte[] explicit0(byte[] element) {
    return tlv(TAG_CONTEXT_0, element);
  }

  static byte[] octetString(byte[] content) {
    return tlv(TAG_OCTET_STRING, content);
  }

  static byte[] bmpString(String text) {
    return tlv(TAG_BMP_STRING, text.getBytes(StandardCharsets.UTF_16BE));
  }

  /** A small non-negative INTEGER. */
  static byte[] integer(int value) {
    if (value < 0 || value > 0x7f) {
      throw new IllegalArgumentException("only 0..127 supported, got " + value);
    }
    return tlv(TAG_INTEGER, new byte[] {(byte) value});
  }

  /** An OBJECT IDENTIFIER from its dotted form. */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      base128(out, Long.parseLong(arcs[i]));
    }
    return tlv(TAG_OID, out.toByteArray());
  }

  private static void base128(ByteArrayOutputStream out, long value) {
    int groups = 1;
    while ((value >>> (7 * groups)) != 0) {
      groups++;
    }
    for (int g = groups - 1; g >= 0; g--) {
      int bits = (int) ((value >>> (7 * g)) & 0x7f);
      out.write(g == 0 ? bits : bits | 0x80);
    }
  }

  /** One element: {@code tag}, the definite length, then the concatenated {@code contents}. */
  public static byte[] tlv(int tag, byte[]... contents) {
    int length = 0;
    for (byte[] c : contents) {
      length += c.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    writeLength(out, length);
    for (byte[] c : contents) {
      out.writeBytes(c);
    }
    return out.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
      return;
    }
    int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
    out.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      out.write(length >>> (8 * i));
    }
  }
}
