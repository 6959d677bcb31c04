// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.inject.OpenSsl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iteration-count bound on image keystores (a PKCS12 asking for millions of key-derivation
 * iterations would burn seconds of CPU per container in {@code KeyStore.load}): the counts are read
 * exactly as keytool and openssl write them, real stores load, and a hostile store is refused with
 * a message naming the counts before the JDK derives any key (no "Integrity check failed" from the
 * JDK anywhere in the exception).
 */
class Pkcs12ProtectionTest {

  private static final String SOURCE = "/opt/java/openjdk/lib/security/cacerts";

  @TempDir static Path dir;

  @BeforeAll
  static void copyCa() throws IOException {
    Files.write(dir.resolve("ca.crt"), PemBundleFuzzTest.load("/pki/corp-ca.crt"));
  }

  /** keytool of the running JDK, in its own process so its system properties stay there. */
  private static byte[] keytool(String file, String... jvmOptions) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    for (String option : jvmOptions) {
      command.add("-J" + option);
    }
    command.addAll(
        List.of(
            "-importcert", "-noprompt", "-storetype", "PKCS12", "-alias", "ca", "-file", "ca.crt"));
    command.addAll(List.of("-keystore", file, "-storepass", "changeit"));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return Files.readAllBytes(dir.resolve(file));
  }

  private static byte[] openssl(String file, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("pkcs12", "-export", "-nokeys", "-in", "ca.crt"));
    args.addAll(List.of("-passout", "pass:changeit", "-out", file));
    args.addAll(List.of(options));
    OpenSsl.ok(dir, args.toArray(String[]::new));
    return Files.readAllBytes(dir.resolve(file));
  }

  @Test
  void readsTheCountsKeytoolWritesWithPbes2() throws Exception {
    byte[] store =
        keytool(
            "counts.p12",
            "-Dkeystore.pkcs12.certPbeIterationCount=12345",
            "-Dkeystore.pkcs12.macIterationCount=23456");
    assertThat(Pkcs12Protection.of(store)).isEqualTo(new Pkcs12Protection(23456, List.of(12345L)));
  }

  @Test
  void readsTheCountsOpenSslWritesWithPbes2AndPkcs12Pbe() throws Exception {
    assertThat(Pkcs12Protection.of(openssl("aes.p12", "-iter", "3000")))
        .isEqualTo(new Pkcs12Protection(3000, List.of(3000L)));
    assertThat(
            Pkcs12Protection.of(openssl("3des.p12", "-iter", "3001", "-certpbe", "PBE-SHA1-3DES")))
        .isEqualTo(new Pkcs12Protection(3001, List.of(3001L)));
    assertThat(Pkcs12Protection.of(openssl("plain.p12", "-iter", "3002", "-certpbe", "NONE")))
        .isEqualTo(new Pkcs12Protection(3002, List.of()));
  }

  @Test
  void ourOwnTruststoresAndTheCommittedCacertsAreWithinTheLimit() throws Exception {
    byte[] ours =
        TrustStoreBuilder.pkcs12(List.of(Cas.of(TestPki.rootCa("Corp Root CA").certificate())))
            .toByteArray();
    assertThat(Pkcs12Protection.of(ours).requireWithinLimits())
        .isEqualTo(new Pkcs12Protection(0, List.of()));
    byte[] committed = PemBundleFuzzTest.load("/pki/cacerts.p12");
    assertThat(Pkcs12Protection.of(committed).requireWithinLimits().totalIterations())
        .isPositive()
        .isLessThanOrEqualTo(Pkcs12Protection.MAX_TOTAL_ITERATIONS);
    assertThat(TrustStoreBuilder.readKeyStore(SOURCE, committed)).isNotEmpty();
  }

  /** The costliest real store: keytool of JDK 8 to 11 (legacy), 100,000 + 50,000 iterations. */
  @Test
  void aLegacyKeytoolStoreIsWithinTheLimitAndLoads() throws Exception {
    byte[] store = keytool("legacy.p12", "-Dkeystore.pkcs12.legacy");
    assertThat(Pkcs12Protection.of(store).requireWithinLimits())
        .isEqualTo(new Pkcs12Protection(100_000, List.of(50_000L)));
    List<X509Certificate> read = Cas.x509(TrustStoreBuilder.readKeyStore(SOURCE, store));
    assertThat(read).hasSize(1);
  }

  /**
   * openssl writes the store with 65536 iterations (INTEGER 02 03 01 00 00 for the PBKDF2 of the
   * certificates and for the MAC); both become 5,000,000, which the JDK itself would accept.
   */
  @Test
  void fiveMillionIterationsAreRefusedBeforeAnyKeyIsDerived() throws Exception {
    String hex = HexFormat.of().formatHex(openssl("huge.p12", "-iter", "65536"));
    assertThat(hex.split("0203010000", -1)).hasSize(3);
    byte[] hostile = HexFormat.of().parseHex(hex.replace("0203010000", "02034c4b40"));

    assertThatThrownBy(() -> TrustStoreBuilder.readKeyStore(SOURCE, hostile))
        .isInstanceOf(TrustBundleException.class)
        .hasMessage(
            "read keystore "
                + SOURCE
                + " as PKCS12: refused before deriving any key from the default password:"
                + " password-based protection of 10000000 iterations (MAC 5000000, encrypted"
                + " contents [5000000]), over the limit of 200000")
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(trace(e)).doesNotContain("Integrity check failed"));
  }

  /**
   * Without a password the JDK never reads the MAC: our own truststore (plain trusted entries) with
   * a MacData of 5,000,000 iterations and a wrong digest appended still loads, so neither the MAC
   * nor its key derivation was computed.
   */
  @Test
  void aHugeMacOverPlainTrustedCertificatesIsNeverVerified() throws Exception {
    X509Certificate ca = TestPki.rootCa("Corp Root CA").certificate();
    DerReader ours =
        new DerReader(TrustStoreBuilder.pkcs12(List.of(Cas.of(ca))).toByteArray()).enter(0x30);
    byte[] sha256 = Der.sequence(Der.oid("2.16.840.1.101.3.4.2.1"), new byte[] {0x05, 0x00});
    byte[] macData =
        Der.sequence(
            Der.sequence(sha256, Der.octetString(new byte[32])),
            Der.octetString(new byte[20]),
            HexFormat.of().parseHex("02034c4b40"));
    byte[] hostile = Der.sequence(ours.rawElement(), ours.rawElement(), macData);

    assertThat(Pkcs12Protection.of(hostile)).isEqualTo(new Pkcs12Protection(5_000_000, List.of()));
    assertThat(Cas.x509(TrustStoreBuilder.readKeyStore(SOURCE, hostile))).containsExactly(ca);
  }

  @Test
  void seventeenEncryptedPartsAreRefused() throws Exception {
    DerReader pfx = new DerReader(openssl("parts.p12", "-iter", "1")).enter(0x30);
    byte[] version = pfx.rawElement();
    DerReader authSafe = pfx.enter(0x30);
    authSafe.objectIdentifier();
    byte[] encrypted = new DerReader(authSafe.enter(0xa0).contents(0x04)).enter(0x30).rawElement();
    byte[][] parts = new byte[17][];
    java.util.Arrays.fill(parts, encrypted);
    byte[] hostile =
        Der.sequence(
            version,
            Der.sequence(
                Der.oid(TrustStoreBuilder.OID_DATA),
                Der.explicit0(Der.octetString(Der.sequence(parts)))));

    assertThat(Pkcs12Protection.of(hostile).encryptedIterations()).hasSize(17).containsOnly(1L);
    assertThatThrownBy(() -> TrustStoreBuilder.readKeyStore(SOURCE, hostile))
        .isInstanceOf(TrustBundleException.class)
        .hasMessageEndingWith("17 encrypted SafeContents, over the limit of 16");
  }

  @Test
  void protectionWeCannotReadIsRefusedRatherThanTried() {
    byte[] unknownAlgorithm =
        Der.sequence(
            Der.integer(3),
            Der.sequence(
                Der.oid(TrustStoreBuilder.OID_DATA),
                Der.explicit0(
                    Der.octetString(
                        Der.sequence(
                            Der.sequence(
                                Der.oid("1.2.840.113549.1.7.6"),
                                Der.explicit0(
                                    Der.sequence(
                                        Der.integer(0),
                                        Der.sequence(
                                            Der.oid(TrustStoreBuilder.OID_DATA),
                                            Der.sequence(Der.oid("1.2.3.4")))))))))));
    assertThatThrownBy(() -> TrustStoreBuilder.readKeyStore(SOURCE, unknownAlgorithm))
        .isInstanceOf(TrustBundleException.class)
        .hasMessageEndingWith(
            "its password protection cannot be bounded (content encrypted with unknown algorithm"
                + " 1.2.3.4)");
  }

  private static String trace(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }
}
