// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A minimal DER reader over a byte range: single-byte tags, definite lengths. Enough for X.501
 * names; malformed input throws {@link IllegalArgumentException}. Not thread-safe.
 */
final class DerReader {

  private final byte[] data;
  private int pos;
  private final int end;

  DerReader(byte[] data) {
    this(data, 0, data.length);
  }

  private DerReader(byte[] data, int start, int end) {
    this.data = data;
    this.pos = start;
    this.end = end;
  }

  boolean hasMore() {
    return pos < end;
  }

  void requireEnd() {
    if (pos != end) {
      throw new IllegalArgumentException("trailing bytes at offset " + pos);
    }
  }

  int peekTag() {
    if (pos >= end) {
      throw new IllegalArgumentException("truncated: no tag at offset " + pos);
    }
    int tag = data[pos] & 0xff;
    if ((tag & 0x1f) == 0x1f) {
      throw new IllegalArgumentException("multi-byte tag at offset " + pos);
    }
    return tag;
  }

  /** Reads an element with this tag and returns a reader over its contents. */
  DerReader enter(int tag) {
    int[] range = element(tag);
    return new DerReader(data, range[0], range[1]);
  }

  /** Reads an element with this tag and returns a copy of its contents. */
  byte[] contents(int tag) {
    int[] range = element(tag);
    return Arrays.copyOfRange(data, range[0], range[1]);
  }

  /** Reads any element and returns its full encoding (tag, length, contents). */
  byte[] rawElement() {
    int start = pos;
    element(peekTag());
    return Arrays.copyOfRange(data, start, pos);
  }

  private int[] element(int tag) {
    if (peekTag() != tag) {
      throw new IllegalArgumentException(
          "expected tag 0x%02x at offset %d, found 0x%02x".formatted(tag, pos, peekTag()));
    }
    pos++;
    if (pos >= end) {
      throw new IllegalArgumentException("truncated length at offset " + pos);
    }
    int first = data[pos++] & 0xff;
    long length = first;
    if (first >= 0x80) {
      int n = first & 0x7f;
      if (n == 0 || n > 4 || pos + n > end) {
        throw new IllegalArgumentException("unsupported length form at offset " + pos);
      }
      length = 0;
      for (int i = 0; i < n; i++) {
        length = length << 8 | (data[pos++] & 0xff);
      }
    }
    if (length > end - pos) {
      throw new IllegalArgumentException("element of " + length + " bytes overruns its parent");
    }
    int start = pos;
    pos += (int) length;
    return new int[] {start, pos};
  }

  /** DER-encodes one element. */
  static byte[] encode(int tag, byte[] contents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
    out.write(tag);
    int len = contents.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(len >>> (8 * i));
      }
    }
    out.writeBytes(contents);
    return out.toByteArray();
  }
}
