// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** The committed PKI fixtures of src/test/resources/inject/pki (see make-pki.sh there). */
public final class Pki {

  private Pki() {}

  /** The bytes of a fixture file, e.g. {@code bytes("corp-ca.pem")}. */
  public static byte[] bytes(String file) {
    try (InputStream in = Pki.class.getResourceAsStream("/inject/pki/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixture certificate by name, e.g. {@code certificate("corp-ca")}. */
  public static X509Certificate certificate(String name) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(bytes(name + ".pem")));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(name, e);
    }
  }
}
