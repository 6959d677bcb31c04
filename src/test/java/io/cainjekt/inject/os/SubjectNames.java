// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import io.cainjekt.trust.Der;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Hand-built X.501 names with any string type, multi-valued RDNs and odd whitespace, and the
 * self-signed certificates that carry them, so the subject-hash property is checked on encodings
 * that {@code openssl req} never writes (BMPString of non-BMP characters, UniversalString, empty
 * RDNs, NumericString). Not thread-safe (one key per instance).
 */
final class SubjectNames {

  static final int UTF8 = 0x0c;
  static final int NUMERIC = 0x12;
  static final int PRINTABLE = 0x13;
  static final int T61 = 0x14;
  static final int IA5 = 0x16;
  static final int VISIBLE = 0x1a;
  static final int UNIVERSAL = 0x1c;
  static final int BMP = 0x1e;
  private static final int[] STRING_TAGS = {
    UTF8, UTF8, PRINTABLE, T61, IA5, VISIBLE, UNIVERSAL, BMP, NUMERIC
  };

  /** CN, O, OU, C, serialNumber, emailAddress, DC and an unregistered OID. */
  private static final byte[][] TYPES = {
    hex("0603550403"),
    hex("060355040a"),
    hex("060355040b"),
    hex("0603550406"),
    hex("0603550405"),
    hex("06092a864886f70d010901"),
    hex("060a0992268993f22c640119"),
    hex("06032a0304")
  };

  /** Pieces values are made of: every ASCII whitespace, both cases, Latin-1, BMP, non-BMP. */
  private static final String[] PIECES = {
    " ",
    "  ",
    "\t",
    "\n",
    "\u000b",
    "\f",
    "\r",
    "CorpCA",
    "root",
    "R00T",
    "x",
    "Zürich",
    "GRÜSSE",
    "€",
    "Řeznictví",
    "İ",
    "\u00a0",
    "\ud83d\ude00",
    "@Example.COM",
    "a+b,c=d"
  };

  private static final byte[] ISSUER = hex("3011310f300d06035504030c06697373756572");
  private static final byte[] ECDSA_WITH_SHA256 = hex("300a06082a8648ce3d040302");

  private final KeyPair key;

  SubjectNames() throws GeneralSecurityException {
    key = KeyPairGenerator.getInstance("EC").generateKeyPair();
  }

  /** A random name: up to four RDNs (sometimes empty), each with one to three attributes. */
  static byte[] randomName(Random random) {
    List<byte[]> rdns = new ArrayList<>();
    int count = random.nextInt(5);
    for (int i = 0; i < count; i++) {
      int attributes = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(random.nextInt(4) + 1);
      List<byte[]> atvs = new ArrayList<>();
      for (int a = 0; a < attributes; a++) {
        int tag = STRING_TAGS[random.nextInt(STRING_TAGS.length)];
        atvs.add(
            Der.tlv(
                0x30,
                TYPES[random.nextInt(TYPES.length)],
                Der.tlv(tag, encode(tag, randomValue(random)))));
      }
      rdns.add(Der.tlv(0x31, atvs.toArray(byte[][]::new))); // unsorted, as a careless CA writes
    }
    return Der.tlv(0x30, rdns.toArray(byte[][]::new));
  }

  private static String randomValue(Random random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      s.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  /** The value bytes of {@code text} in the string type {@code tag}. */
  static byte[] encode(int tag, String text) {
    Charset charset =
        switch (tag) {
          case UTF8 -> StandardCharsets.UTF_8;
          case BMP -> StandardCharsets.UTF_16BE;
          case UNIVERSAL -> Charset.forName("UTF-32BE");
          default -> StandardCharsets.ISO_8859_1; // one byte per character, '?' where none fits
        };
    return text.getBytes(charset);
  }

  /** A v3 certificate (ECDSA P-256, issuer CN=issuer, which the JDK needs non-empty). */
  byte[] certificate(byte[] name) throws GeneralSecurityException {
    byte[] validity =
        Der.tlv(
            0x30,
            Der.tlv(0x17, "250101000000Z".getBytes(StandardCharsets.US_ASCII)),
            Der.tlv(0x17, "350101000000Z".getBytes(StandardCharsets.US_ASCII)));
    byte[] tbs =
        Der.tlv(
            0x30,
            hex("a003020102"),
            hex("020101"),
            ECDSA_WITH_SHA256,
            ISSUER,
            validity,
            name,
            key.getPublic().getEncoded());
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key.getPrivate());
    signer.update(tbs);
    byte[] signature = signer.sign();
    byte[] bitString = new byte[signature.length + 1];
    System.arraycopy(signature, 0, bitString, 1, signature.length);
    return Der.tlv(0x30, tbs, ECDSA_WITH_SHA256, Der.tlv(0x03, bitString));
  }

  static String pem(byte[] der) {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
  }

  static byte[] hex(String hex) {
    return java.util.HexFormat.of().parseHex(hex);
  }
}
