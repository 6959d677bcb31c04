// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The one committed test PKI, under {@code src/test/resources/pki/} (made by its {@code
 * generate.sh}, which lists every file; keys are test-only), for unit tests and e2e tests alike.
 * Paths point at the copies on the test classpath. Certificates made on the fly (many, or with
 * chosen dates) come from {@code io.cainjekt.trust.TestPki}. Thread-safe (stateless).
 */
public final class Pki {

  /** A certificate authority of the fixture set; each has a leaf for localhost and 127.0.0.1. */
  public enum Ca {
    /** Stands for a public CA the test images already trust (baked into their stores). */
    FAKE_PUBLIC_ROOT("fake-public-root"),
    /** The enterprise root cainjekt injects. */
    CORP_CA("corp-ca"),
    /** A second enterprise root, for rotation. */
    CORP_CA2("corp-ca2"),
    /** Intermediate under {@link #CORP_CA}: its server sends leaf + intermediate. */
    CORP_ISSUING("corp-issuing");

    private final String fileStem;

    Ca(String fileStem) {
      this.fileStem = fileStem;
    }

    /** The file name stem, e.g. {@code corp-ca} for {@code corp-ca.crt}. */
    public String fileStem() {
      return fileStem;
    }

    /** The root a client must trust to accept this CA's leaf. */
    public Ca root() {
      return this == CORP_ISSUING ? CORP_CA : this;
    }
  }

  /** Inputs the trust engine must reject (key, broken PEM) or warn about (non-CA, expired). */
  public enum Hostile {
    /** CorpCA's certificate followed by its PRIVATE KEY block. */
    BUNDLE_WITH_PRIVATE_KEY("bundle-with-private-key.pem"),
    /**
     * A valid certificate, then a BEGIN line with truncated base64 and no END line. Note: the JDK's
     * {@code CertificateFactory} returns the first certificate and silently ignores the rest.
     */
    BROKEN_PEM("broken.pem"),
    /** A leaf certificate (basicConstraints CA:FALSE). */
    NON_CA("non-ca.pem"),
    /** A self-signed CA valid only from 2000-01-01 to 2001-01-01. */
    EXPIRED_CA("expired-ca.pem");

    private final String fileName;

    Hostile(String fileName) {
      this.fileName = fileName;
    }
  }

  private Pki() {}

  /** The fixture directory on the test classpath. */
  public static Path directory() {
    URL url = Pki.class.getResource("/pki/generate.sh");
    if (url == null) {
      throw new IllegalStateException("pki fixtures not on the test classpath");
    }
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("pki fixture url " + url, e);
    }
  }

  /** The CA certificate (PEM). */
  public static Path caCertificate(Ca ca) {
    return directory().resolve(ca.fileStem + ".crt");
  }

  /** The CA private key (PKCS#8 PEM, test-only). */
  public static Path caKey(Ca ca) {
    return directory().resolve(ca.fileStem + ".key");
  }

  /** The server certificate for DNS:localhost and IP:127.0.0.1 issued by {@code ca}. */
  public static Path leafCertificate(Ca ca) {
    return directory().resolve(ca.fileStem + "-leaf.crt");
  }

  /** The leaf's private key (PKCS#8 PEM, test-only). */
  public static Path leafKey(Ca ca) {
    return directory().resolve(ca.fileStem + "-leaf.key");
  }

  /** What the server presents: the leaf, plus the intermediate for {@link Ca#CORP_ISSUING}. */
  public static Path leafChain(Ca ca) {
    return ca == Ca.CORP_ISSUING
        ? directory().resolve("corp-issuing-leaf-chain.pem")
        : leafCertificate(ca);
  }

  /** CorpCA followed by CorpCA2 in one PEM file. */
  public static Path corpBundle() {
    return directory().resolve("corp-ca-and-ca2.pem");
  }

  /** A hostile input file. */
  public static Path hostile(Hostile input) {
    return directory().resolve("hostile").resolve(input.fileName);
  }

  /** The bytes of a fixture file by name, e.g. {@code bytes("corp-ca.crt")}. */
  public static byte[] bytes(String file) {
    return bytes(directory().resolve(file));
  }

  /** A certificate by its file stem, e.g. {@code certificate("corp-ca")} for corp-ca.crt. */
  public static X509Certificate certificate(String stem) {
    return certificates(directory().resolve(stem + ".crt")).getFirst();
  }

  /** The bytes of a fixture file. */
  public static byte[] bytes(Path fixture) {
    try {
      return Files.readAllBytes(fixture);
    } catch (IOException e) {
      throw new UncheckedIOException("read pki fixture " + fixture, e);
    }
  }

  /** All certificates of a PEM file, in file order. */
  public static List<X509Certificate> certificates(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return certificates(in, pem.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("read certificates " + pem, e);
    }
  }

  /** All certificates of PEM bytes (e.g. a bundle read from a container), in order. */
  public static List<X509Certificate> certificates(byte[] pem) {
    return certificates(new ByteArrayInputStream(pem), pem.length + " bytes of PEM");
  }

  private static List<X509Certificate> certificates(InputStream in, String source) {
    try {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast)
          .toList();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("parse certificates " + source, e);
    }
  }

  /** The EC private key of a PKCS#8 PEM file. */
  public static PrivateKey privateKey(Path pem) {
    String text = new String(bytes(pem), StandardCharsets.US_ASCII);
    String base64 =
        text.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("parse private key " + pem, e);
    }
  }
}
