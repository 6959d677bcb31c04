// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
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
    byte[] forged = Crc32cForgery.sameCrcOtherBytes(known);
    assertThat(Crc32cForgery.crc32c(forged)).isEqualTo(Crc32cForgery.crc32c(known));
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
}
