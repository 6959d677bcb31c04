// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/** Converts between the JDK's certificates and {@link CaCertificate} in tests. */
public final class Cas {

  private Cas() {}

  /** The certificate with its DER and fingerprint. */
  public static CaCertificate of(X509Certificate certificate) {
    try {
      return CaCertificate.of(certificate);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Each certificate with its DER and fingerprint, in order. */
  public static List<CaCertificate> of(List<X509Certificate> certificates) {
    return certificates.stream().map(Cas::of).toList();
  }

  /** The JDK's certificates, in order. */
  public static List<X509Certificate> x509(List<CaCertificate> certificates) {
    return certificates.stream().map(CaCertificate::certificate).toList();
  }
}
