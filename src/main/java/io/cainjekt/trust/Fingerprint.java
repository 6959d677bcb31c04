// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A SHA-256 digest, compared by value. Immutable.
 *
 * @param sha256 the 32 digest bytes (copied in and out)
 */
public record Fingerprint(byte[] sha256) implements Comparable<Fingerprint> {

  private static final int SHA256_BYTES = 32;
  private static final int SHORT_HEX_CHARS = 12;

  /** Checks the length and copies the bytes. */
  public Fingerprint {
    if (sha256.length != SHA256_BYTES) {
      throw new IllegalArgumentException("sha256 must be 32 bytes, got " + sha256.length);
    }
    sha256 = sha256.clone();
  }

  private static final MessageDigest PROTOTYPE = newDigest();

  // Fingerprints of parsed certificates: the memoized parses of an image's stores hand out the same
  // instances for every container of that image, so each is hashed once. Weak keys; the values do
  // not refer to them.
  private static final Map<X509Certificate, Fingerprint> OF_CERTIFICATE =
      Collections.synchronizedMap(new WeakHashMap<>());

  // Fingerprints of file content, which staging names its blobs by: every container of an image
  // stages the same arrays (the memoized merge hands out one). Arrays compare by identity here;
  // weak keys; the values do not refer to them.
  private static final Map<byte[], Fingerprint> OF_CONTENT =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** Content at least this large is also remembered by value. */
  static final int BY_VALUE_MIN_BYTES = 16 << 10;

  // Fingerprints of large content by value (Content): the first container on a new layer chain of
  // an image (a new tag on the same base) reads equal bytes into new arrays. Bounded to 4 MiB of
  // content held: a Debian image's bundle and JDK store, and what the plugin builds from them, are
  // about 800 KB.
  private static final WeightedLru<Content, Fingerprint> OF_EQUAL_CONTENT =
      new WeightedLru<>(64, 4L << 20);

  /** The SHA-256 of {@code der}. */
  public static Fingerprint of(byte[] der) {
    return new Fingerprint(digest().digest(der));
  }

  /**
   * The SHA-256 of file content, remembered per array instance and, for content of at least {@value
   * #BY_VALUE_MIN_BYTES} bytes, by value: callers never modify an array after handing it here
   * (content read from a file or built for one).
   */
  public static Fingerprint ofContent(byte[] content) {
    Fingerprint known = OF_CONTENT.get(content);
    if (known != null) {
      return known;
    }
    if (content.length < BY_VALUE_MIN_BYTES) {
      known = of(content);
    } else {
      Content key = Content.of(content);
      known = OF_EQUAL_CONTENT.get(key).orElse(null);
      if (known == null) {
        known = of(content);
        OF_EQUAL_CONTENT.put(key, known, content.length);
      }
    }
    OF_CONTENT.put(content, known);
    return known;
  }

  /**
   * The SHA-256 of the certificate's DER encoding.
   *
   * @throws CertificateEncodingException if it has none
   */
  public static Fingerprint of(X509Certificate certificate) throws CertificateEncodingException {
    Fingerprint known = OF_CERTIFICATE.get(certificate);
    if (known != null) {
      return known;
    }
    Fingerprint computed = of(certificate.getEncoded());
    OF_CERTIFICATE.put(certificate, computed);
    return computed;
  }

  /** A fresh SHA-256 digest (a clone of a prototype: much cheaper than a provider lookup). */
  static MessageDigest digest() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return newDigest();
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  /** 64 lowercase hex characters. */
  public String hex() {
    return HexFormat.of().formatHex(sha256);
  }

  /** The first 12 hex characters, for logs and file names. */
  public String shortHex() {
    return hex().substring(0, SHORT_HEX_CHARS);
  }

  @Override
  public int compareTo(Fingerprint other) {
    return Arrays.compareUnsigned(sha256, other.sha256);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fingerprint f && Arrays.equals(sha256, f.sha256);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sha256);
  }

  @Override
  public String toString() {
    return "sha256:" + hex();
  }
}
