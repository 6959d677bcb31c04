// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, DER-deduplicated set of certificates in input order, with the warnings found while
 * parsing. Injected CAs are parsed strictly ({@link #parseStrict}); an image's own bundle leniently
 * ({@link #parseLenient}). Thread-safe.
 */
public final class PemBundle {

  private static final int PEM_LINE_CHARS = 64;

  private static final Base64.Encoder LINES =
      Base64.getMimeEncoder(PEM_LINE_CHARS, "\n".getBytes(StandardCharsets.US_ASCII));
  private static final byte[] BEGIN =
      "-----BEGIN CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END =
      "\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);

  private final List<CaCertificate> certificates;
  private final List<String> warnings;
  private final Fingerprint contentHash;
  private volatile ByteString pem; // toPem(), encoded on first use

  private PemBundle(Collection<CaCertificate> certificates, List<String> warnings) {
    Map<Fingerprint, CaCertificate> unique = new LinkedHashMap<>();
    for (CaCertificate c : certificates) {
      unique.putIfAbsent(c.fingerprint(), c);
    }
    this.certificates = List.copyOf(unique.values());
    this.warnings = List.copyOf(warnings);
    this.contentHash = hash(unique.keySet());
  }

  /**
   * Parses injected CAs: every PEM block must be a parseable CERTIFICATE and at least one must be
   * present. Text between blocks is allowed. Validity problems become {@link #warnings()}.
   *
   * @param source names the input in messages, e.g. a file path
   * @throws TrustBundleException naming the source, block index and block type of the first bad
   *     block, or saying that there is no certificate
   */
  public static PemBundle parseStrict(String source, byte[] pem) throws TrustBundleException {
    return parseStrict(source, pem, Instant.now());
  }

  static PemBundle parseStrict(String source, byte[] pem, Instant now) throws TrustBundleException {
    List<CaCertificate> certificates = new ArrayList<>();
    for (PemReader.Block block : PemReader.read(pem)) {
      if (block.malformed()) {
        throw new TrustBundleException(
            source + ": " + block.describe() + " is malformed: " + block.problem());
      }
      if (!block.label().equals(PemReader.CERTIFICATE)) {
        throw new TrustBundleException(
            source
                + ": "
                + block.describe()
                + " is not a certificate; only CERTIFICATE blocks are accepted");
      }
      try {
        certificates.add(block.certificate());
      } catch (CertificateException e) {
        throw new TrustBundleException(
            source + ": " + block.describe() + " is not a valid X.509 certificate", e);
      }
    }
    if (certificates.isEmpty()) {
      throw new TrustBundleException(source + ": no PEM certificate found");
    }
    return new PemBundle(certificates, validityWarnings(source, certificates, now));
  }

  /** {@link #parseLenient(String, byte[])} of content read from a file. */
  public static PemBundle parseLenient(String source, ByteString pem) {
    return parseLenient(source, pem.toByteArray()); // one copy: small against the parse
  }

  /**
   * Parses an image's own bundle: keeps every parseable certificate, skips anything else with a
   * warning, never fails.
   */
  public static PemBundle parseLenient(String source, byte[] pem) {
    List<CaCertificate> certificates = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (PemReader.Block block : PemReader.read(pem)) {
      if (block.malformed() || !block.label().equals(PemReader.CERTIFICATE)) {
        warnings.add(source + ": skipped " + block.describe());
        continue;
      }
      try {
        certificates.add(block.certificate());
      } catch (CertificateException e) {
        warnings.add(source + ": skipped " + block.describe() + ": not a valid certificate");
      }
    }
    return new PemBundle(certificates, warnings);
  }

  /** A bundle of already parsed certificates (e.g. from a keystore), deduplicated by DER. */
  public static PemBundle of(Collection<CaCertificate> certificates) {
    return new PemBundle(certificates, List.of());
  }

  /** The union of several bundles in order, keeping their warnings. */
  static PemBundle combine(List<PemBundle> parts) {
    List<CaCertificate> certificates = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (PemBundle part : parts) {
      certificates.addAll(part.certificates);
      warnings.addAll(part.warnings);
    }
    return new PemBundle(certificates, warnings);
  }

  /** The certificates, deduplicated by DER, in input order. */
  public List<CaCertificate> certificates() {
    return certificates;
  }

  /** The number of distinct certificates. */
  public int size() {
    return certificates.size();
  }

  /** SHA-256 over the sorted fingerprints: equal for equal certificate sets, whatever the order. */
  public Fingerprint contentHash() {
    return contentHash;
  }

  /** The earliest {@code notAfter}, empty for an empty bundle. */
  public Optional<Instant> earliestExpiry() {
    return certificates.stream().map(CaCertificate::notAfter).min(Comparator.naturalOrder());
  }

  /** Non-CA, expired and not-yet-valid certificates, and (lenient) skipped blocks. */
  public List<String> warnings() {
    return warnings;
  }

  /** The certificates as PEM text, one block each, LF line ends. */
  public ByteString toPem() {
    ByteString known = pem; // benign race: every thread computes the same bytes
    if (known == null) {
      // a fresh array nobody else holds: wrapped, not copied
      known = UnsafeByteOperations.unsafeWrap(encode());
      pem = known;
    }
    return known;
  }

  /**
   * One certificate as a PEM block with LF line ends, as {@link #toPem} writes each: an anchor file
   * holds exactly one (docs/architecture.md, "Distro table").
   */
  public static ByteString pem(CaCertificate certificate) {
    // a fresh array nobody else holds: wrapped, not copied
    return UnsafeByteOperations.unsafeWrap(block(certificate));
  }

  private static byte[] block(CaCertificate certificate) {
    ByteBuffer body = LINES.encode(certificate.der().asReadOnlyByteBuffer());
    int n = body.remaining();
    byte[] out = new byte[BEGIN.length + n + END.length];
    put(out, 0, BEGIN);
    body.get(out, BEGIN.length, n);
    put(out, BEGIN.length + n, END);
    return out;
  }

  private byte[] encode() {
    // encoded first, then copied once into an array of the exact size: an image's bundle is 218 KB
    List<byte[]> blocks = new ArrayList<>(certificates.size());
    int length = 0;
    for (CaCertificate c : certificates) {
      byte[] block = block(c);
      blocks.add(block);
      length += block.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] block : blocks) {
      at = put(out, at, block);
    }
    return out;
  }

  private static int put(byte[] out, int at, byte[] part) {
    System.arraycopy(part, 0, out, at, part.length);
    return at + part.length;
  }

  @Override
  public String toString() {
    return "PemBundle[" + size() + " certificates, " + contentHash.shortHex() + "]";
  }

  private static List<String> validityWarnings(
      String source, List<CaCertificate> certificates, Instant now) {
    List<String> warnings = new ArrayList<>();
    for (CaCertificate c : certificates) {
      String who =
          source + ": certificate " + c.subject() + " (" + c.fingerprint().shortHex() + ")";
      if (!c.isCa()) {
        warnings.add(who + " is not a CA certificate");
      }
      if (c.notAfter().isBefore(now)) {
        warnings.add(who + " expired at " + c.notAfter());
      }
      if (c.notBefore().isAfter(now)) {
        warnings.add(who + " is not valid before " + c.notBefore());
      }
    }
    return warnings;
  }

  private static Fingerprint hash(Collection<Fingerprint> fingerprints) {
    Fingerprint[] sorted = fingerprints.toArray(new Fingerprint[0]);
    Arrays.sort(sorted);
    MessageDigest digest = Fingerprint.digest();
    for (Fingerprint f : sorted) {
      digest.update(f.sha256());
    }
    return new Fingerprint(digest.digest());
  }
}
