// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The certificates of the running JDK's {@code cacerts} (on Debian the distro's Java store): about
 * 150 real roots with every string type and name shape public CAs use, as fuzz seeds.
 */
public final class JdkRoots {

  private JdkRoots() {}

  /** The path of the running JDK's cacerts. */
  public static Path cacerts() {
    return Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
  }

  /** Its trusted certificates, in alias order. */
  public static List<X509Certificate> certificates() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12"); // reads JKS too (keystore.type.compat)
    try (InputStream in = Files.newInputStream(cacerts())) {
      store.load(in, null);
    }
    List<X509Certificate> out = new ArrayList<>();
    for (String alias : Collections.list(store.aliases())) {
      out.add((X509Certificate) store.getCertificate(alias));
    }
    return out;
  }
}
