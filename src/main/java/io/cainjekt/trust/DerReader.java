// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.util.Arrays;

/**
 * The project's one DER reader (X.690), over a byte range: single-byte tags, definite lengths of at
 * most four length bytes, every length checked against its parent before anything is copied, no
 * recursion (entering an element returns a new reader). Enough for X.501 names and the PKCS12
 * structures we inspect; malformed input (including BER indefinite lengths) throws {@link
 * IllegalArgumentException} and nothing else. Not thread-safe.
 */
public final class DerReader {

  private final byte[] data;
  private int pos;
  private final int end;

  /** A reader over all of {@code data}. */
  public DerReader(byte[] data) {
    this(data, 0, data.length);
  }

  private DerReader(byte[] data, int start, int end) {
    this.data = data;
    this.pos = start;
    this.end = end;
  }

  /** True while elements remain. */
  public boolean hasMore() {
    return pos < end;
  }

  /** Throws unless every byte was read. */
  public void requireEnd() {
    if (pos != end) {
      throw new IllegalArgumentException("trailing bytes at offset " + pos);
    }
  }

  /** The tag of the next element, without consuming it. */
  public int peekTag() {
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
  public DerReader enter(int tag) {
    int[] range = element(tag);
    return new DerReader(data, range[0], range[1]);
  }

  /** Reads an element with this tag and returns a copy of its contents. */
  public byte[] contents(int tag) {
    int[] range = element(tag);
    return Arrays.copyOfRange(data, range[0], range[1]);
  }

  /** Reads any element and returns its full encoding (tag, length, contents). */
  public byte[] rawElement() {
    int start = pos;
    element(peekTag());
    return Arrays.copyOfRange(data, start, pos);
  }

  /** Reads an OBJECT IDENTIFIER and returns its dotted form. */
  public String objectIdentifier() {
    byte[] oid = contents(0x06);
    if (oid.length == 0 || (oid[oid.length - 1] & 0x80) != 0) {
      throw new IllegalArgumentException("malformed object identifier before offset " + pos);
    }
    StringBuilder dotted = new StringBuilder();
    long arc = 0;
    for (byte b : oid) {
      if (arc > Long.MAX_VALUE >>> 7) {
        throw new IllegalArgumentException("object identifier arc too large before offset " + pos);
      }
      arc = arc << 7 | (b & 0x7f);
      if ((b & 0x80) == 0) {
        if (dotted.isEmpty()) {
          long first = Math.min(arc / 40, 2);
          dotted.append(first).append('.').append(arc - 40 * first);
        } else {
          dotted.append('.').append(arc);
        }
        arc = 0;
      }
    }
    return dotted.toString();
  }

  /** Reads an INTEGER that must be non-negative and fit a {@code long}. */
  public long nonNegativeInteger() {
    byte[] value = contents(0x02);
    if (value.length == 0 || value[0] < 0) {
      throw new IllegalArgumentException("empty or negative INTEGER before offset " + pos);
    }
    int from = value[0] == 0 && value.length > 1 ? 1 : 0;
    if (value.length - from > 8 || (value.length - from == 8 && value[from] < 0)) {
      throw new IllegalArgumentException("INTEGER over 63 bits before offset " + pos);
    }
    long n = 0;
    for (int i = from; i < value.length; i++) {
      n = n << 8 | (value[i] & 0xff);
    }
    return n;
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
}
