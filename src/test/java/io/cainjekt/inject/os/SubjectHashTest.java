// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.fuzz.Mutator;
import io.cainjekt.inject.OpenSsl;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our subject hash must equal {@code openssl x509 -hash -noout} on every certificate. */
class SubjectHashTest {

  @TempDir static Path dir;

  @BeforeAll
  static void makeKey() throws Exception {
    OpenSsl.ok(
        dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem");
    Files.writeString(
        dir.resolve("default-mask.cnf"),
        "[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n");
    Files.writeString(
        dir.resolve("utf8-mask.cnf"), "[req]\ndistinguished_name=dn\nstring_mask=utf8only\n[dn]\n");
  }

  /** Subjects chosen to exercise every canonicalization rule; config picks the string types. */
  static Stream<Arguments> subjects() {
    return Stream.of(
        Arguments.of("plain printable", "/C=DE/O=Corp Example/CN=CorpCA Root", "utf8-mask.cnf"),
        Arguments.of(
            "case and spaces", "/O=  UPPER   and lower  /CN=Mixed  Case   CA ", "utf8-mask.cnf"),
        Arguments.of("printable types", "/C=US/O=  Spaced   Org /CN=ABC", "default-mask.cnf"),
        Arguments.of("utf8 non-ascii", "/O=Zürich Grüße/CN=ÜNÏCÖDÉ Root", "utf8-mask.cnf"),
        Arguments.of("t61 latin-1", "/O=Zürich Grüße/CN=Café ROOT", "default-mask.cnf"),
        Arguments.of("bmp string", "/O=Euro € Trust/CN=Řeznictví CA", "default-mask.cnf"),
        Arguments.of("multi-valued rdn", "/O=Org/CN=Zeta+OU=Alpha+CN=Beta", "utf8-mask.cnf"),
        Arguments.of(
            "ia5 email and dc",
            "/DC=COM/DC=Example/emailAddress=PKI@Example.COM/CN=Mail CA",
            "utf8-mask.cnf"),
        Arguments.of("serial number", "/serialNumber=AB 12/CN=x", "default-mask.cnf"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("subjects")
  void matchesOpenSslOnGeneratedCertificates(String name, String subject, String config)
      throws Exception {
    String file = name.replace(' ', '-') + ".pem";
    OpenSsl.ok(
        dir,
        "req",
        "-x509",
        "-new",
        "-key",
        "k.pem",
        "-config",
        config,
        "-utf8",
        "-multivalue-rdn",
        "-subj",
        subject,
        "-days",
        "1",
        "-out",
        file);
    String expected = OpenSsl.ok(dir, "x509", "-hash", "-noout", "-in", file).strip();
    assertThat(SubjectHash.of(read(dir.resolve(file)))).isEqualTo(expected);
  }

  @Test
  void matchesOpenSslOnTheFixtures() throws Exception {
    for (String name : List.of("corp-ca", "corp-ca-rekeyed", "fake-public-root", "corp-ca-leaf")) {
      Path file = dir.resolve(name + ".pem");
      Files.write(file, Pki.bytes(name + ".crt"));
      String expected = OpenSsl.ok(dir, "x509", "-hash", "-noout", "-in", file.toString()).strip();
      assertThat(SubjectHash.of(Pki.certificate(name))).as(name).isEqualTo(expected);
    }
    assertThat(SubjectHash.of(Pki.certificate("corp-ca")))
        .isEqualTo(SubjectHash.of(Pki.certificate("corp-ca-rekeyed")));
  }

  /** The JDK's own cacerts: ~150 real roots with every string type the CAs use. */
  @Test
  void matchesOpenSslRehashOnTheJdkRoots() throws Exception {
    KeyStore cacerts = KeyStore.getInstance("PKCS12");
    try (InputStream in =
        Files.newInputStream(Path.of(System.getProperty("java.home"), "lib/security/cacerts"))) {
      cacerts.load(in, null);
    }
    Path roots = Files.createDirectories(dir.resolve("jdk-roots"));
    Map<String, String> expectedNames = new HashMap<>();
    int i = 0;
    for (String alias : Collections.list(cacerts.aliases())) {
      X509Certificate c = (X509Certificate) cacerts.getCertificate(alias);
      String file = "root-" + i++ + ".pem";
      Files.writeString(
          roots.resolve(file),
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder().encodeToString(c.getEncoded())
              + "\n-----END CERTIFICATE-----\n");
      expectedNames.put(file, SubjectHash.of(c));
    }
    OpenSsl.ok(roots, "rehash", ".");
    List<String> mismatches = new ArrayList<>();
    int links = 0;
    try (Stream<Path> entries = Files.list(roots)) {
      for (Path link : entries.filter(Files::isSymbolicLink).toList()) {
        links++;
        String target = Files.readSymbolicLink(link).toString();
        String hash = link.getFileName().toString().replaceAll("\\.\\d+$", "");
        if (!hash.equals(expectedNames.get(target))) {
          mismatches.add(target + ": openssl " + hash + ", ours " + expectedNames.get(target));
        }
      }
    }
    assertThat(links).isEqualTo(expectedNames.size()).isGreaterThan(50);
    assertThat(mismatches).isEmpty();
  }

  /**
   * Seeded random subjects in every string type (BMP and UniversalString, NumericString, non-BMP
   * characters, every ASCII whitespace, mixed case, unsorted multi-valued and empty RDNs), in
   * self-signed certificates: wherever openssl can hash the certificate, our hash is the same.
   */
  @Test
  void matchesOpenSslOnSeededRandomSubjectEncodings() throws Exception {
    SubjectNames names = new SubjectNames();
    Path random = Files.createDirectories(dir.resolve("random"));
    int cases = Mutator.cases(60);
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (int i = 0; i < cases; i++) {
      byte[] name = SubjectNames.randomName(Mutator.forCase(i).random());
      Path file = random.resolve("case-" + i + ".pem");
      Files.writeString(file, SubjectNames.pem(names.certificate(name)));
      OpenSsl.Result openssl =
          OpenSsl.run(random, "x509", "-hash", "-noout", "-in", file.toString());
      if (openssl.exitCode() != 0) {
        continue; // openssl refuses the name (e.g. a surrogate in a BMPString): nothing to match
      }
      compared++;
      String ours = SubjectHash.ofName(name);
      if (!ours.equals(openssl.output().strip())) {
        mismatches.add(
            "case %d %s: openssl %s, ours %s"
                .formatted(i, HexFormat.of().formatHex(name), openssl.output().strip(), ours));
      }
      if (jdkParses(file)) {
        assertThat(SubjectHash.of(read(file))).as("case %d via the JDK", i).isEqualTo(ours);
      }
    }
    assertThat(mismatches).isEmpty();
    assertThat(compared).as("certificates openssl could hash").isGreaterThan(cases / 2);
  }

  @Test
  void emptyNameHashesTheEmptyEncoding() {
    // SHA-1("") starts da 39 a3 ee; read little-endian that is 0xeea339da
    assertThat(SubjectHash.ofName(new byte[] {0x30, 0x00})).isEqualTo("eea339da");
  }

  /** Regression (found by the random subjects): an empty RDN used to hash as {@code 31 00}. */
  @Test
  void emptyRdnsLeaveNothingInTheCanonicalEncoding() {
    // openssl x509 -hash prints eea339da (the hash of no bytes) for the name SEQUENCE { SET {} }
    assertThat(SubjectHash.ofName(new byte[] {0x30, 0x02, 0x31, 0x00})).isEqualTo("eea339da");
    byte[] cn = SubjectNames.hex("310c300a06035504030c03616263");
    byte[] withEmpty = SubjectNames.hex("3012" + "3100" + "310c300a06035504030c03616263" + "3100");
    assertThat(SubjectHash.ofName(withEmpty))
        .isEqualTo(SubjectHash.ofName(io.cainjekt.trust.Der.tlv(0x30, cn)));
  }

  @Test
  void malformedDerIsRejected() {
    assertThatThrownBy(() -> SubjectHash.ofName(new byte[] {0x30, 0x05, 0x31, 0x00}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overruns");
    assertThatThrownBy(() -> SubjectHash.ofName(new byte[] {0x31, 0x00}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected tag 0x30");
  }

  private static boolean jdkParses(Path pem) {
    try {
      read(pem);
      return true;
    } catch (Exception ignored) {
      return false; // e.g. an empty subject without subjectAltName: the JDK refuses the certificate
    }
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
