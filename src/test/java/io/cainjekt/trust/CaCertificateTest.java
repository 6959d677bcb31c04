// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CaCertificateTest {

  private static final TestPki.Issued CA = TestPki.rootCa("Parsed CA");

  @Test
  void trailingBytesAreRefused() {
    byte[] der = CA.der();
    byte[] longer = Arrays.copyOf(der, der.length + 1);
    assertThatThrownBy(() -> CaCertificate.parse(longer)).isInstanceOf(CertificateException.class);
  }
}
