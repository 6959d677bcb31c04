// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One certificate with its DER encoding and fingerprint; equal when the DER is equal. Immutable,
 * the DER included: an image's bundle holds hundreds of certificates and every container of the
 * image reads them, so the bytes are shared and cannot be changed.
 *
 * @param certificate the parsed certificate
 * @param der its DER encoding
 * @param fingerprint SHA-256 of {@code der}
 */
public record CaCertificate(X509Certificate certificate, ByteString der, Fingerprint fingerprint) {

  /** Checks the components. */
  public CaCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(der, "der");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }

  /** Parses one DER certificate; trailing bytes are refused. */
  static CaCertificate parse(byte[] der) throws CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    X509Certificate certificate =
        (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    byte[] encoded = certificate.getEncoded();
    if (!Arrays.equals(encoded, der)) {
      throw new CertificateException("bytes after the certificate or a non-DER encoding");
    }
    return of(certificate, encoded);
  }

  /** Wraps an already parsed certificate. */
  public static CaCertificate of(X509Certificate certificate) throws CertificateException {
    return of(certificate, certificate.getEncoded());
  }

  /** {@code encoded} is a fresh result of {@code getEncoded()}, which nobody else holds. */
  private static CaCertificate of(X509Certificate certificate, byte[] encoded) {
    // the one reference to the array: wrapped without a copy, and never written afterwards
    return new CaCertificate(
        certificate, UnsafeByteOperations.unsafeWrap(encoded), Fingerprint.of(encoded));
  }

  /** The subject distinguished name (RFC 2253). */
  public String subject() {
    return certificate.getSubjectX500Principal().getName();
  }

  /** The end of the validity period. */
  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  /** The start of the validity period. */
  public Instant notBefore() {
    return certificate.getNotBefore().toInstant();
  }

  /** True if basic constraints mark it as a CA. */
  public boolean isCa() {
    return certificate.getBasicConstraints() >= 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CaCertificate c && fingerprint.equals(c.fingerprint);
  }

  @Override
  public int hashCode() {
    return fingerprint.hashCode();
  }

  @Override
  public String toString() {
    return "CaCertificate[" + subject() + ", " + fingerprint.shortHex() + "]";
  }
}
