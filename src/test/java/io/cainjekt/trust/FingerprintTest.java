// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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
}
