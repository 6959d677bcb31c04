// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import com.google.protobuf.ByteString;
import java.util.zip.CRC32C;

/**
 * File content as a key: equal when the bytes are; the CRC32C only spreads hash tables. An image
 * cannot pass its content off as another's, since equality is decided by the bytes, never by the
 * CRC. A CRC32C of a 220 KB bundle costs about 10 us and a comparison 7 us, where a SHA-256 costs
 * 1.8 ms with C1, which has no SHA intrinsic. Both run on the bytes in place, never on a copy.
 *
 * @param bytes the content
 * @param crc its CRC32C
 */
record Content(ByteString bytes, int crc) {

  static Content of(ByteString bytes) {
    CRC32C crc = new CRC32C();
    bytes.asReadOnlyByteBufferList().forEach(crc::update);
    return new Content(bytes, (int) crc.getValue());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Content c && crc == c.crc && bytes.equals(c.bytes);
  }

  @Override
  public int hashCode() {
    return crc;
  }

  @Override
  public String toString() {
    return bytes.size() + " bytes, crc32c " + Integer.toHexString(crc);
  }
}
