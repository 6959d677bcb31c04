// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The trusted certificates of a JKS keystore of the common shape, read without the JDK's keystore:
 * the extracted Java stores of Debian, Alpine, RHEL, SUSE and Arch (ca-certificates-java, p11-kit)
 * are JKS files of 140 or so trusted certificate entries, version 2. Each certificate is parsed
 * once, with its fingerprint ({@link CaCertificate#parse}); {@code KeyStore.load} also verifies the
 * integrity digest and builds its own entry objects.
 *
 * <p>Only the shape is accepted that the JDK would read to the same list: version 2, trusted
 * certificate entries of type X.509, each exactly one DER certificate. Anything else (private key
 * entries, version 1, other types, trailing data inside an entry, a truncated file) gives empty,
 * and the caller lets the JDK read the store. Like the JDK without a password, the integrity digest
 * at the end is not checked, and an alias given twice keeps the later certificate. The JDK keeps
 * the aliases as written but looks every alias up in lower case (as keytool writes them), so an
 * entry whose alias has an upper-case letter is seen only through a lower-case twin: a JVM in the
 * container does not trust it, and neither do we. Stateless and thread-safe.
 */
final class JksReader {

  static final int MAGIC = 0xfeedfeed;
  private static final int VERSION_2 = 2;
  private static final int TRUSTED_CERTIFICATE_ENTRY = 2;
  private static final String X509 = "X.509";

  private JksReader() {}

  /** The certificates in file order, or empty when the JDK should read this store. */
  static Optional<List<CaCertificate>> trustedCertificates(byte[] keystore) {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(keystore));
    try {
      if (in.readInt() != MAGIC || in.readInt() != VERSION_2) {
        return Optional.empty();
      }
      int count = in.readInt();
      Map<String, CaCertificate> byAlias = new LinkedHashMap<>(); // aliases as written
      for (int i = 0; i < count; i++) {
        if (in.readInt() != TRUSTED_CERTIFICATE_ENTRY) {
          return Optional.empty();
        }
        String alias = in.readUTF();
        in.readLong(); // creation date
        if (!in.readUTF().equals(X509)) {
          return Optional.empty();
        }
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
          return Optional.empty();
        }
        byAlias.put(alias, CaCertificate.parse(in.readNBytes(length)));
      }
      List<CaCertificate> seen = new ArrayList<>(byAlias.size());
      for (String alias : byAlias.keySet()) {
        CaCertificate certificate = byAlias.get(alias.toLowerCase(Locale.ENGLISH));
        if (certificate != null) {
          seen.add(certificate);
        }
      }
      return Optional.of(List.copyOf(seen));
    } catch (IOException | CertificateException e) {
      return Optional.empty(); // malformed or unusual: the JDK reads it and reports what it finds
    }
  }
}
