// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class FingerprintTest {

  @Test
  void sha256OfAbcMatchesTheFips180Vector() {
    Fingerprint f = Fingerprint.of("abc".getBytes(StandardCharsets.US_ASCII));
    assertThat(f.hex())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(f.shortHex()).isEqualTo("ba7816bf8f01");
    assertThat(f).isEqualTo(Fingerprint.of("abc".getBytes(StandardCharsets.US_ASCII)));
    assertThat(f.hashCode())
        .isEqualTo(Fingerprint.of("abc".getBytes(StandardCharsets.US_ASCII)).hashCode());
  }

  @Test
  void bytesAreCopiedInAndOut() {
    byte[] digest = new byte[32];
    Fingerprint f = new Fingerprint(digest);
    digest[0] = 1;
    f.sha256()[1] = 1;
    assertThat(f.sha256()).containsOnly(0);
    assertThatThrownBy(() -> new Fingerprint(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void largeContentReadAgainIsKnownByValue() {
    byte[] bundle = random(Fingerprint.BY_VALUE_MIN_BYTES, 1);
    Fingerprint first = Fingerprint.ofContent(bundle);

    // another layer chain of the image: the same bytes in a new array, not hashed again
    assertThat(Fingerprint.ofContent(bundle.clone())).isSameAs(first);
    assertThat(first).isEqualTo(Fingerprint.of(bundle));
    // small content is only remembered per array: hashing it is cheap
    byte[] small = random(Fingerprint.BY_VALUE_MIN_BYTES - 1, 2);
    assertThat(Fingerprint.ofContent(small.clone()))
        .isNotSameAs(Fingerprint.ofContent(small))
        .isEqualTo(Fingerprint.of(small));
  }

  @Test
  void contentWithTheSameCrcButOtherBytesGetsItsOwnSha256() {
    byte[] known = random(Fingerprint.BY_VALUE_MIN_BYTES + 100, 3);
    byte[] forged = sameCrc32cOtherBytes(known);
    assertThat(crc32c(forged)).isEqualTo(crc32c(known));
    assertThat(forged).isNotEqualTo(known);

    Fingerprint ofKnown = Fingerprint.ofContent(known);
    assertThat(Fingerprint.ofContent(forged))
        .isEqualTo(Fingerprint.of(forged))
        .isNotEqualTo(ofKnown);
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static long crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return crc.getValue();
  }

  /**
   * Flips a set of the last 64 bits of {@code content} whose effects on the CRC cancel out. For
   * equal lengths a CRC is affine in the message bits, so the change a flip makes to the CRC does
   * not depend on the other bits; 64 such 32-bit changes are linearly dependent, and Gaussian
   * elimination over GF(2) finds the subset.
   */
  private static byte[] sameCrc32cOtherBytes(byte[] content) {
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
