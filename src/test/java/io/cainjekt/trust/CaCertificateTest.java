// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.security.cert.CertificateException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CaCertificateTest {

  private static final TestPki.Issued CA = TestPki.rootCa("Parsed CA");

  @Test
  void equalBytesParsedAgainGiveTheCertificateParsedBefore() throws Exception {
    CaCertificate first = CaCertificate.parse(CA.der());

    // another image with the same root: new bytes, equal content
    assertThat(CaCertificate.parse(CA.der().clone())).isSameAs(first);
    assertThat(first.der()).isEqualTo(CA.der());
    assertThat(first.fingerprint()).isEqualTo(Fingerprint.of(CA.der()));
  }

  @Test
  void bytesWithTheCrcOfAParsedCertificateAreParsedOnTheirOwn() throws Exception {
    CaCertificate.parse(CA.der());
    byte[] forged = Crc32cForgery.sameCrcOtherBytes(CA.der());
    assertThat(Crc32cForgery.crc32c(forged)).isEqualTo(Crc32cForgery.crc32c(CA.der()));

    // the last 8 bytes are the signature's: the forged certificate may parse, but never as CA's
    Throwable thrown =
        catchThrowable(() -> assertThat(CaCertificate.parse(forged).der()).isEqualTo(forged));
    assertThat(thrown)
        .satisfiesAnyOf(
            t -> assertThat(t).isNull(),
            t -> assertThat(t).isInstanceOf(CertificateException.class));
  }

  @Test
  void trailingBytesAreRefused() {
    byte[] der = CA.der();
    byte[] longer = Arrays.copyOf(der, der.length + 1);
    assertThatThrownBy(() -> CaCertificate.parse(longer)).isInstanceOf(CertificateException.class);
  }
}
