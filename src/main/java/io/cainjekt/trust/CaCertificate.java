// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One certificate with its DER encoding and fingerprint; equal when the DER is equal. Immutable:
 * the DER array is shared, not copied (an image's bundle holds hundreds of certificates and every
 * container of the image reads them), and nobody modifies it.
 *
 * @param certificate the parsed certificate
 * @param der its DER encoding (shared, never modified)
 * @param fingerprint SHA-256 of {@code der}
 */
public record CaCertificate(X509Certificate certificate, byte[] der, Fingerprint fingerprint) {

  /** Checks the components. */
  public CaCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(der, "der");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }

  /** Certificates kept at most in {@link #PARSED}: a few images' worth of distinct roots. */
  static final int MAX_PARSED = 512;

  // Parsed certificates by their DER bytes (Content: compared exactly). The images of one node hold
  // mostly the same public roots, so an image never seen before costs a CRC32C and a comparison per
  // certificate it shares with others, not a parse (the JDK's factory would find its cached
  // instance, but only after copying the bytes twice and hashing them). Bounded to 2 MiB of DER.
  private static final WeightedLru<Content, CaCertificate> PARSED =
      new WeightedLru<>(MAX_PARSED, 2L << 20);

  // Parsed certificates by the base64 text of their PEM body, white space removed, compared
  // exactly (Content). Images of one distribution hold their roots in the same text, so a root of
  // an image never seen before costs a CRC32C and a comparison of its text, not a base64 decode.
  // Bounded to 3 MiB of text.
  private static final WeightedLru<Content, CaCertificate> BY_BASE64 =
      new WeightedLru<>(MAX_PARSED, 3L << 20);

  /** The certificate parsed before from a PEM body of exactly this text, if remembered. */
  static Optional<CaCertificate> ofBase64(Content base64) {
    return BY_BASE64.get(base64);
  }

  /**
   * Parses one DER certificate decoded from the PEM body {@code base64}, and remembers it by that
   * text for {@link #ofBase64}.
   */
  static CaCertificate parse(byte[] der, Content base64) throws CertificateException {
    CaCertificate parsed = parse(der);
    BY_BASE64.put(base64, parsed, base64.bytes().length);
    return parsed;
  }

  /** Parses one DER certificate; trailing bytes are refused. */
  static CaCertificate parse(byte[] der) throws CertificateException {
    Content key = Content.of(der);
    Optional<CaCertificate> known = PARSED.get(key);
    if (known.isPresent()) {
      return known.get();
    }
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    X509Certificate certificate =
        (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    byte[] encoded = certificate.getEncoded();
    if (!Arrays.equals(encoded, der)) {
      throw new CertificateException("bytes after the certificate or a non-DER encoding");
    }
    CaCertificate parsed = new CaCertificate(certificate, encoded, Fingerprint.of(certificate));
    PARSED.put(new Content(encoded, key.crc()), parsed, encoded.length);
    return parsed;
  }

  /** Wraps an already parsed certificate. */
  static CaCertificate of(X509Certificate certificate) throws CertificateException {
    return new CaCertificate(certificate, certificate.getEncoded(), Fingerprint.of(certificate));
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
