// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Independent readers (the JDK's own) for asserting on files the pipeline wrote. */
public final class Certificates {

  private Certificates() {}

  /** The certificates of a PEM file, in order, read by the JDK's CertificateFactory. */
  public static List<X509Certificate> pem(ByteString content) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c :
          CertificateFactory.getInstance("X.509").generateCertificates(content.newInput())) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static List<X509Certificate> pem(Path file) {
    try {
      return pem(ByteString.copyFrom(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The trusted certificates of a keystore (PKCS12 or JKS), loaded without a password. */
  public static List<X509Certificate> keystore(ByteString content) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(content.newInput(), null);
      List<X509Certificate> out = new ArrayList<>();
      for (String alias : Collections.list(ks.aliases())) {
        out.add((X509Certificate) ks.getCertificate(alias));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalArgumentException("read keystore", e);
    }
  }
}
