// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

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

  /** The SHA-256 of {@code der}. */
  public static Fingerprint of(byte[] der) {
    return new Fingerprint(digest().digest(der));
  }

  /** The SHA-256 of {@code content}, read in place. */
  public static Fingerprint of(ByteString content) {
    MessageDigest digest = digest();
    content.asReadOnlyByteBufferList().forEach(digest::update);
    return new Fingerprint(digest.digest());
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
