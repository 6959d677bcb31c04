// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test PKI made on the fly with BouncyCastle (test scope only): EC P-256 keys, SHA-256. */
public final class TestPki {

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private TestPki() {}

  /** A certificate and the key pair it certifies. */
  public record Issued(X509Certificate certificate, KeyPair keys) {
    public String pem() {
      return TestPki.pem("CERTIFICATE", der());
    }

    public byte[] der() {
      try {
        return certificate.getEncoded();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    public String privateKeyPem() {
      return TestPki.pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** Key managers that present this certificate with {@code issuer}'s after it. */
    public KeyManager[] keyManagers(Issued issuer) throws GeneralSecurityException, IOException {
      char[] password = "test".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "leaf",
          keys.getPrivate(),
          password,
          new Certificate[] {certificate, issuer.certificate()});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      return kmf.getKeyManagers();
    }
  }

  public static Issued rootCa(String cn) {
    Instant now = Instant.now();
    return rootCa(cn, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));
  }

  public static Issued rootCa(String cn, Instant notBefore, Instant notAfter) {
    KeyPair keys = keyPair();
    return new Issued(
        sign(
            new X500Principal("CN=" + cn),
            keys,
            keys,
            "CN=" + cn,
            true,
            new Validity(BigInteger.valueOf(SERIAL.incrementAndGet()), notBefore, notAfter),
            new SecureRandom()),
        keys);
  }

  /**
   * A self-signed CA that is the same, byte for byte, on every call with the same arguments: its
   * key pair and signature are drawn from a pseudo-random generator seeded with {@code serial}, so
   * benchmarks get the same certificates (and subject hashes) in every fork and run.
   */
  public static Issued deterministicRootCa(
      String cn, long serial, Instant notBefore, Instant notAfter) {
    SecureRandom random = seeded(serial);
    KeyPair keys = keyPair(random);
    X500Principal name = new X500Principal("CN=" + cn);
    return new Issued(
        sign(
            name,
            keys,
            keys,
            "CN=" + cn,
            true,
            new Validity(BigInteger.valueOf(serial), notBefore, notAfter),
            random),
        keys);
  }

  public static Issued leaf(String cn, Issued issuer) {
    Instant now = Instant.now();
    KeyPair keys = keyPair();
    return new Issued(
        sign(
            issuer.certificate().getSubjectX500Principal(),
            issuer.keys(),
            keys,
            "CN=" + cn,
            false,
            new Validity(
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(365))),
            new SecureRandom()),
        keys);
  }

  static String pem(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  static KeyPair keyPair() {
    return keyPair(new SecureRandom());
  }

  private static KeyPair keyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A pseudo-random generator that yields the same sequence for the same seed. */
  private static SecureRandom seeded(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed); // before the first draw: replaces the seed instead of adding to it
      return random;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Validity(BigInteger serial, Instant notBefore, Instant notAfter) {}

  private static X509Certificate sign(
      X500Principal issuer,
      KeyPair issuerKeys,
      KeyPair subjectKeys,
      String subject,
      boolean ca,
      Validity validity,
      SecureRandom random) {
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              validity.serial(),
              Date.from(validity.notBefore()),
              Date.from(validity.notAfter()),
              new X500Principal(subject),
              subjectKeys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              ca
                  ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                  : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (!ca) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new org.bouncycastle.asn1.x509.GeneralNames(
                new org.bouncycastle.asn1.x509.GeneralName[] {
                  new org.bouncycastle.asn1.x509.GeneralName(
                      org.bouncycastle.asn1.x509.GeneralName.dNSName, "localhost"),
                  new org.bouncycastle.asn1.x509.GeneralName(
                      org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")
                }));
      }
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withECDSA")
              .setSecureRandom(random)
              .build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
