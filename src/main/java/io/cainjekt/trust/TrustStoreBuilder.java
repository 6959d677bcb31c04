// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Java truststores. {@link #pkcs12} writes the PKCS12 DER itself, shaped like the {@code cacerts}
 * that JDK 18+ ships: no MAC, certificates in a plain (unencrypted) {@code data} SafeContents, each
 * bag marked with Oracle's trusted-key-usage attribute so the JDK loads it as a trusted certificate
 * entry. Writing the bytes directly avoids the JVM-global {@code keystore.pkcs12.*} security
 * properties and makes the output deterministic. Stateless and thread-safe.
 */
public final class TrustStoreBuilder {

  static final String OID_DATA = "1.2.840.113549.1.7.1";
  static final String OID_CERT_BAG = "1.2.840.113549.1.12.10.1.3";
  static final String OID_X509_CERTIFICATE = "1.2.840.113549.1.9.22.1";
  static final String OID_FRIENDLY_NAME = "1.2.840.113549.1.9.20";
  static final String OID_ORACLE_TRUSTED_KEY_USAGE = "2.16.840.1.113894.746875.1.1";
  static final String OID_ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

  private static final byte[] DATA = Der.oid(OID_DATA);
  private static final byte[] CERT_BAG = Der.oid(OID_CERT_BAG);
  private static final byte[] X509_CERTIFICATE = Der.oid(OID_X509_CERTIFICATE);
  private static final byte[] FRIENDLY_NAME = Der.oid(OID_FRIENDLY_NAME);
  private static final byte[] TRUSTED_FOR_ANY_USAGE =
      Der.sequence(
          Der.oid(OID_ORACLE_TRUSTED_KEY_USAGE), Der.setOf(Der.oid(OID_ANY_EXTENDED_KEY_USAGE)));
  private static final int PFX_VERSION = 3;
  private static final int JCEKS_MAGIC = 0xcececece;
  private static final char[] DEFAULT_PASSWORD = "changeit".toCharArray();
  private static final int MAX_ALIAS_NAME_CHARS = 40;

  private TrustStoreBuilder() {}

  /**
   * A PKCS12 truststore holding {@code certificates} (DER duplicates dropped) as trusted
   * certificate entries; readable with any password or none by JDK 8u301+, 11, 17, 21 and 25.
   */
  public static ByteString pkcs12(Collection<CaCertificate> certificates) {
    Map<Fingerprint, CaCertificate> unique = new LinkedHashMap<>();
    for (CaCertificate c : certificates) {
      unique.putIfAbsent(c.fingerprint(), c);
    }
    Set<String> aliases = new HashSet<>();
    List<byte[]> bags = new ArrayList<>();
    for (CaCertificate c : unique.values()) {
      bags.add(certBag(c, uniqueAlias(c, aliases)));
    }
    byte[] safeContents = Der.sequence(bags.toArray(new byte[0][]));
    byte[] authenticatedSafe = Der.sequence(data(safeContents));
    // a fresh array nobody else holds: wrapped, not copied
    return UnsafeByteOperations.unsafeWrap(
        Der.sequence(Der.integer(PFX_VERSION), data(authenticatedSafe)));
  }

  /**
   * The trusted certificates of a JKS, JCEKS or PKCS12 keystore (such as a JDK's {@code cacerts}),
   * opened without a password or else with {@code changeit}. A PKCS12 store whose MAC and encrypted
   * parts ask for more than {@link Pkcs12Protection#MAX_TOTAL_ITERATIONS} key-derivation iterations
   * in total is refused before the password is tried.
   *
   * @param source names the keystore in messages
   * @throws TrustBundleException if it cannot be read either way
   */
  public static List<CaCertificate> readKeyStore(String source, byte[] keystore)
      throws TrustBundleException {
    String type = typeOf(keystore);
    if (type.equals("JKS")) {
      Optional<List<CaCertificate>> read = JksReader.trustedCertificates(keystore);
      if (read.isPresent() && !read.get().isEmpty()) {
        return read.get();
      }
    }
    Exception first = null;
    try {
      List<CaCertificate> withoutPassword = load(type, keystore, null);
      if (!withoutPassword.isEmpty()) {
        return withoutPassword;
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      first = e; // the store may need the default password
    }
    if (type.equals("PKCS12")) {
      requireBoundedKeyDerivation(source, keystore, first);
    }
    try {
      return load(type, keystore, DEFAULT_PASSWORD);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (first != null) {
        e.addSuppressed(first);
      }
      // empty without a password may mean encrypted certificates: never report a silent zero
      throw new TrustBundleException(
          "read keystore " + source + " as " + type + " (no password, then the default)", e);
    }
  }

  /**
   * With a password the JDK derives a key for the MAC and for each encrypted part, at up to
   * 5,000,000 iterations each; without one (the first attempt) it skips both. Before the default
   * password is tried, a store asking for more than {@link Pkcs12Protection#MAX_TOTAL_ITERATIONS}
   * is refused.
   */
  private static void requireBoundedKeyDerivation(String source, byte[] keystore, Exception first)
      throws TrustBundleException {
    Pkcs12Protection protection;
    try {
      protection = Pkcs12Protection.of(keystore);
    } catch (IllegalArgumentException e) {
      throw refused(
          source, "its password protection cannot be bounded (" + e.getMessage() + ")", e, first);
    }
    try {
      protection.requireWithinLimits();
    } catch (IllegalArgumentException e) {
      throw refused(source, e.getMessage(), e, first);
    }
  }

  private static TrustBundleException refused(
      String source, String why, Exception cause, Exception first) {
    TrustBundleException refused =
        new TrustBundleException(
            "read keystore "
                + source
                + " as PKCS12: refused before deriving any key from the default password: "
                + why,
            cause);
    if (first != null) {
      refused.addSuppressed(first);
    }
    return refused;
  }

  private static List<CaCertificate> load(String type, byte[] keystore, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(type);
    store.load(new ByteArrayInputStream(keystore), password);
    List<CaCertificate> certificates = new ArrayList<>();
    for (String alias : Collections.list(store.aliases())) {
      if (store.isCertificateEntry(alias)
          && store.getCertificate(alias) instanceof X509Certificate x509) {
        certificates.add(CaCertificate.of(x509));
      }
    }
    return List.copyOf(certificates);
  }

  private static String typeOf(byte[] keystore) {
    if (keystore.length >= 4) {
      int magic =
          ((keystore[0] & 0xff) << 24)
              | ((keystore[1] & 0xff) << 16)
              | ((keystore[2] & 0xff) << 8)
              | (keystore[3] & 0xff);
      if (magic == JksReader.MAGIC) {
        return "JKS";
      }
      if (magic == JCEKS_MAGIC) {
        return "JCEKS";
      }
    }
    return "PKCS12";
  }

  /** ContentInfo of type {@code data} wrapping {@code content} in an OCTET STRING. */
  private static byte[] data(byte[] content) {
    return Der.sequence(DATA, Der.explicit0(Der.octetString(content)));
  }

  private static byte[] certBag(CaCertificate c, String alias) {
    byte[] certBag =
        Der.sequence(X509_CERTIFICATE, Der.explicit0(Der.octetString(c.der().toByteArray())));
    byte[] friendlyName = Der.sequence(FRIENDLY_NAME, Der.setOf(Der.bmpString(alias)));
    return Der.sequence(
        CERT_BAG, Der.explicit0(certBag), Der.setOf(friendlyName, TRUSTED_FOR_ANY_USAGE));
  }

  /** {@code "<common name> [<short fingerprint>]"}, lowercase, unique within one store. */
  private static String uniqueAlias(CaCertificate c, Set<String> taken) {
    StringBuilder name = new StringBuilder();
    for (char ch : commonName(c.certificate()).toLowerCase(Locale.ROOT).toCharArray()) {
      if (name.length() < MAX_ALIAS_NAME_CHARS
          && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || " ._-".indexOf(ch) >= 0)) {
        name.append(ch);
      }
    }
    String base = name.toString().strip();
    String alias = (base.isEmpty() ? "ca" : base) + " [" + c.fingerprint().shortHex() + "]";
    if (!taken.add(alias)) {
      alias = alias + " " + c.fingerprint().hex();
      taken.add(alias);
    }
    return alias;
  }

  private static String commonName(X509Certificate certificate) {
    String dn = certificate.getSubjectX500Principal().getName();
    for (String part : dn.split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return dn;
  }
}
