// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.util.ArrayList;
import java.util.List;

/**
 * The password-based work a PKCS12 keystore (RFC 7292) demands of whoever opens it with a password:
 * the iteration count of its MacData and of each encrypted SafeContents (PKCS#12 PBE, PBES1, or
 * PBES2 with PBKDF2), read with {@link DerReader} before the JDK derives any key. The JDK accepts
 * up to 5,000,000 iterations per MAC and per encrypted part, so a hostile image's keystore could
 * cost seconds of CPU per container; {@link #requireWithinLimits} refuses such a store first.
 * Immutable.
 *
 * @param macIterations iterations of the MAC, 0 without MacData
 * @param encryptedIterations iterations of each encrypted SafeContents, in file order
 */
record Pkcs12Protection(long macIterations, List<Long> encryptedIterations) {

  /**
   * Iterations one store may ask for in total (MAC plus every encrypted part). Current JDKs write
   * 10,000 + 10,000, OpenSSL 3 2,048 + 2,048, and keytool of JDK 8 to 11 (and {@code
   * -Dkeystore.pkcs12.legacy}) 100,000 for the MAC plus 50,000 for the certificates: 150,000, the
   * most a real store uses, so 200,000 leaves headroom while bounding one store to a fraction of a
   * second of key derivation instead of the JDK's limit of 5,000,000 per part.
   */
  static final long MAX_TOTAL_ITERATIONS = 200_000;

  /** Encrypted SafeContents one store may hold (keytool and OpenSSL write one). */
  static final int MAX_ENCRYPTED_PARTS = 16;

  private static final String OID_DATA = "1.2.840.113549.1.7.1";
  private static final String OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
  private static final String OID_PKCS12_PBE_PREFIX = "1.2.840.113549.1.12.1.";
  private static final List<String> OID_PBES1 =
      List.of(1, 3, 4, 6, 10, 11).stream().map(n -> "1.2.840.113549.1.5." + n).toList();
  private static final String OID_PBES2 = "1.2.840.113549.1.5.13";
  private static final String OID_PBKDF2 = "1.2.840.113549.1.5.12";
  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final int CONTEXT_0 = 0xa0;

  Pkcs12Protection {
    encryptedIterations = List.copyOf(encryptedIterations);
  }

  /**
   * Reads the protection parameters of a PKCS12 PFX.
   *
   * @throws IllegalArgumentException when the DER is malformed, uses BER, or protects content with
   *     an algorithm whose cost we cannot read
   */
  static Pkcs12Protection of(byte[] pfx) {
    DerReader outer = new DerReader(pfx);
    DerReader p = outer.enter(SEQUENCE);
    p.nonNegativeInteger(); // version
    DerReader authSafe = p.enter(SEQUENCE);
    String type = authSafe.objectIdentifier();
    if (!type.equals(OID_DATA)) {
      throw new IllegalArgumentException("authSafe of type " + type + ", not data");
    }
    byte[] safes = authSafe.enter(CONTEXT_0).contents(OCTET_STRING);
    List<Long> encrypted = new ArrayList<>();
    DerReader contentInfos = new DerReader(safes).enter(SEQUENCE);
    while (contentInfos.hasMore()) {
      DerReader contentInfo = contentInfos.enter(SEQUENCE);
      if (contentInfo.objectIdentifier().equals(OID_ENCRYPTED_DATA)) {
        DerReader encryptedData = contentInfo.enter(CONTEXT_0).enter(SEQUENCE);
        encryptedData.nonNegativeInteger(); // version
        DerReader info = encryptedData.enter(SEQUENCE);
        info.objectIdentifier(); // content type
        encrypted.add(iterations(info.enter(SEQUENCE)));
      }
    }
    long mac = 0;
    if (p.hasMore()) {
      DerReader macData = p.enter(SEQUENCE);
      macData.rawElement(); // DigestInfo
      macData.contents(OCTET_STRING); // salt
      mac = macData.hasMore() ? macData.nonNegativeInteger() : 1; // DEFAULT 1
    }
    return new Pkcs12Protection(mac, encrypted);
  }

  /** The iteration count in the parameters of a password-based encryption AlgorithmIdentifier. */
  private static long iterations(DerReader algorithm) {
    String oid = algorithm.objectIdentifier();
    if (oid.startsWith(OID_PKCS12_PBE_PREFIX) || OID_PBES1.contains(oid)) {
      DerReader params = algorithm.enter(SEQUENCE);
      params.contents(OCTET_STRING); // salt
      return params.nonNegativeInteger();
    }
    if (oid.equals(OID_PBES2)) {
      DerReader kdf = algorithm.enter(SEQUENCE).enter(SEQUENCE);
      String kdfOid = kdf.objectIdentifier();
      if (!kdfOid.equals(OID_PBKDF2)) {
        throw new IllegalArgumentException("PBES2 with key derivation " + kdfOid);
      }
      DerReader params = kdf.enter(SEQUENCE);
      params.rawElement(); // salt: OCTET STRING or AlgorithmIdentifier
      return params.nonNegativeInteger();
    }
    throw new IllegalArgumentException("content encrypted with unknown algorithm " + oid);
  }

  /** MAC plus every encrypted part (saturating at {@code Long.MAX_VALUE}). */
  long totalIterations() {
    long total = macIterations;
    for (long n : encryptedIterations) {
      total = total > Long.MAX_VALUE - n ? Long.MAX_VALUE : total + n;
    }
    return total;
  }

  /**
   * Returns this protection, or refuses it when opening the store with a password would cost more
   * than the limits allow.
   *
   * @throws IllegalArgumentException naming the counts and the limit
   */
  Pkcs12Protection requireWithinLimits() {
    if (encryptedIterations.size() > MAX_ENCRYPTED_PARTS) {
      throw new IllegalArgumentException(
          encryptedIterations.size()
              + " encrypted SafeContents, over the limit of "
              + MAX_ENCRYPTED_PARTS);
    }
    if (totalIterations() > MAX_TOTAL_ITERATIONS) {
      throw new IllegalArgumentException(
          "password-based protection of %d iterations (MAC %d, encrypted contents %s), over the limit of %d"
              .formatted(
                  totalIterations(), macIterations, encryptedIterations, MAX_TOTAL_ITERATIONS));
    }
    return this;
  }
}
