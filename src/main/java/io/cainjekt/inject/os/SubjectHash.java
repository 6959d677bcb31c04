// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import io.cainjekt.trust.Der;
import io.cainjekt.trust.DerReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OpenSSL's {@code X509_NAME_hash} (the {@code <hash>.0} link names of a CApath directory, {@code
 * openssl x509 -hash}): SHA-1 over the canonical encoding of the subject name, first four bytes
 * read little-endian.
 *
 * <p>Canonical encoding, as OpenSSL defines it: the DER of each RDN's SET OF, concatenated without
 * the outer SEQUENCE (an empty RDN contributes nothing, so an empty SET is dropped); within it
 * every attribute value of a string type (UTF8String, BMPString, UniversalString, PrintableString,
 * T61String, IA5String, VisibleString) is converted to UTF-8, stripped of leading and trailing
 * whitespace, has inner whitespace runs folded to one space and ASCII letters lowercased, and is
 * re-encoded as UTF8String; other values stay as they are. The elements of a multi-valued RDN are
 * re-sorted as DER requires. Thread-safe (stateless).
 */
public final class SubjectHash {

  private static final int SEQUENCE = 0x30;
  private static final int SET = 0x31;
  private static final int UTF8_STRING = 0x0c;
  private static final int PRINTABLE_STRING = 0x13;
  private static final int T61_STRING = 0x14;
  private static final int IA5_STRING = 0x16;
  private static final int VISIBLE_STRING = 0x1a;
  private static final int UNIVERSAL_STRING = 0x1c;
  private static final int BMP_STRING = 0x1e;

  private SubjectHash() {}

  /**
   * The subject hash of a certificate, as 8 lowercase hex digits.
   *
   * @throws IllegalArgumentException when the subject's DER is malformed
   */
  public static String of(X509Certificate certificate) {
    return ofName(certificate.getSubjectX500Principal().getEncoded());
  }

  /**
   * The hash of a DER-encoded X.501 Name, as 8 lowercase hex digits.
   *
   * @throws IllegalArgumentException when the DER is malformed
   */
  public static String ofName(byte[] nameDer) {
    byte[] sha1 = sha1(canonical(nameDer));
    long h =
        (sha1[0] & 0xffL)
            | (sha1[1] & 0xffL) << 8
            | (sha1[2] & 0xffL) << 16
            | (sha1[3] & 0xffL) << 24;
    return String.format("%08x", h);
  }

  /** The canonical encoding that OpenSSL hashes. */
  static byte[] canonical(byte[] nameDer) {
    DerReader name = new DerReader(nameDer);
    DerReader rdns = name.enter(SEQUENCE);
    name.requireEnd();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (rdns.hasMore()) {
      DerReader rdn = rdns.enter(SET);
      List<byte[]> entries = new ArrayList<>();
      while (rdn.hasMore()) {
        DerReader atv = rdn.enter(SEQUENCE);
        byte[] type = atv.rawElement();
        int tag = atv.peekTag();
        byte[] value = atv.contents(tag);
        atv.requireEnd();
        byte[] canonValue =
            isCanonString(tag)
                ? Der.tlv(UTF8_STRING, fold(toUtf8(tag, value)))
                : Der.tlv(tag, value);
        entries.add(Der.tlv(SEQUENCE, type, canonValue));
      }
      if (entries.isEmpty()) {
        continue; // OpenSSL canonicalizes attributes, so an RDN without any leaves no SET behind
      }
      entries.sort(Arrays::compareUnsigned);
      out.writeBytes(Der.tlv(SET, entries.toArray(byte[][]::new)));
    }
    return out.toByteArray();
  }

  private static boolean isCanonString(int tag) {
    return switch (tag) {
      case UTF8_STRING,
          PRINTABLE_STRING,
          T61_STRING,
          IA5_STRING,
          VISIBLE_STRING,
          UNIVERSAL_STRING,
          BMP_STRING ->
          true;
      default -> false;
    };
  }

  /** Converts a string value to UTF-8 the way OpenSSL's ASN1_STRING_to_UTF8 does. */
  private static byte[] toUtf8(int tag, byte[] value) {
    return switch (tag) {
      case UTF8_STRING -> value;
      case BMP_STRING -> codePoints(value, 2);
      case UNIVERSAL_STRING -> codePoints(value, 4);
      default -> codePoints(value, 1); // one byte per character (T61 is read as Latin-1)
    };
  }

  private static byte[] codePoints(byte[] value, int width) {
    if (value.length % width != 0) {
      throw new IllegalArgumentException("string of " + value.length + " bytes, width " + width);
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < value.length; i += width) {
      int cp = 0;
      for (int j = 0; j < width; j++) {
        cp = cp << 8 | (value[i + j] & 0xff);
      }
      if (!Character.isValidCodePoint(cp)) {
        throw new IllegalArgumentException("invalid code point " + cp);
      }
      s.appendCodePoint(cp);
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Strips, folds whitespace runs to one space and lowercases ASCII, byte-wise like OpenSSL. */
  private static byte[] fold(byte[] utf8) {
    int from = 0;
    int to = utf8.length;
    while (from < to && isSpace(utf8[from])) {
      from++;
    }
    while (to > from && isSpace(utf8[to - 1])) {
      to--;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; ) {
      byte b = utf8[i];
      if (isSpace(b)) {
        out.write(' ');
        while (isSpace(utf8[i])) {
          i++;
        }
      } else {
        out.write(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
        i++;
      }
    }
    return out.toByteArray();
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || (b >= '\t' && b <= '\r');
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }
}
