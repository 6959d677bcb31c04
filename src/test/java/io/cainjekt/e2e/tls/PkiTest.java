// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.tls.Pki.Ca;
import io.cainjekt.e2e.tls.Pki.Hostile;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The committed fixtures are what generate.sh and the Javadoc of {@link Pki} promise. */
class PkiTest {

  private static final Instant CI_HORIZON =
      ZonedDateTime.of(2050, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant();

  @ParameterizedTest
  @EnumSource(Ca.class)
  void everyLeafChainsToItsRootAndNamesLocalhostAndLoopback(Ca ca) throws Exception {
    List<X509Certificate> chain = Pki.certificates(Pki.leafChain(ca));
    X509Certificate leaf = chain.getFirst();
    X509Certificate issuer =
        chain.size() > 1 ? chain.get(1) : Pki.certificates(Pki.caCertificate(ca)).getFirst();
    X509Certificate root = Pki.certificates(Pki.caCertificate(ca.root())).getFirst();

    leaf.verify(issuer.getPublicKey());
    issuer.verify(root.getPublicKey());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)))
        .containsExactlyInAnyOrder("localhost", "127.0.0.1");
    assertThat(leaf.getNotAfter().toInstant()).isAfter(CI_HORIZON);
    assertThat(root.getNotAfter().toInstant()).isAfter(CI_HORIZON);
    assertThat(Pki.privateKey(Pki.leafKey(ca)).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void theRootsAreDistinctCertificateAuthorities() {
    assertThat(List.of(Ca.FAKE_PUBLIC_ROOT, Ca.CORP_CA, Ca.CORP_CA2))
        .map(ca -> Pki.certificates(Pki.caCertificate(ca)).getFirst())
        .allSatisfy(root -> assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0))
        .extracting(root -> root.getSubjectX500Principal().getName())
        .doesNotHaveDuplicates();
    assertThat(Pki.certificates(Pki.corpBundle()))
        .containsExactly(
            Pki.certificates(Pki.caCertificate(Ca.CORP_CA)).getFirst(),
            Pki.certificates(Pki.caCertificate(Ca.CORP_CA2)).getFirst());
  }

  @Test
  void theImageFixturesHoldThePublicRootsAndTheRekeyedCaSharesCorpCasSubjectOnly()
      throws Exception {
    List<X509Certificate> publics =
        List.of(
            Pki.certificate("fake-public-root"),
            Pki.certificate("public-root-2"),
            Pki.certificate("public-root-3"));
    assertThat(Pki.certificates(Pki.bytes("image-bundle.pem"))).containsExactlyElementsOf(publics);
    for (String type : List.of("JKS", "PKCS12")) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(
          new ByteArrayInputStream(Pki.bytes(type.equals("JKS") ? "cacerts.jks" : "cacerts.p12")),
          "changeit".toCharArray());
      assertThat(Collections.list(store.aliases()))
          .map(store::getCertificate)
          .as(type)
          .containsExactlyInAnyOrderElementsOf(publics);
    }
    X509Certificate corp = Pki.certificate("corp-ca");
    X509Certificate rekeyed = Pki.certificate("corp-ca-rekeyed");
    assertThat(rekeyed.getSubjectX500Principal()).isEqualTo(corp.getSubjectX500Principal());
    assertThat(rekeyed.getPublicKey()).isNotEqualTo(corp.getPublicKey());
  }

  @Test
  void theHostileInputsAreHostileInTheDocumentedWay() {
    String keyBundle =
        new String(
            Pki.bytes(Pki.hostile(Hostile.BUNDLE_WITH_PRIVATE_KEY)), StandardCharsets.US_ASCII);
    assertThat(keyBundle).contains("-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----");
    // the JDK's CertificateFactory silently drops the truncated second block: a trust engine
    // that wants to reject broken input has to split PEM blocks itself
    String broken =
        new String(Pki.bytes(Pki.hostile(Hostile.BROKEN_PEM)), StandardCharsets.US_ASCII);
    assertThat(broken.split("-----BEGIN CERTIFICATE-----", -1)).hasSize(3);
    assertThat(broken).containsOnlyOnce("-----END CERTIFICATE-----");
    assertThat(Pki.certificates(Pki.hostile(Hostile.BROKEN_PEM))).hasSize(1);
    assertThat(Pki.certificates(Pki.hostile(Hostile.NON_CA)).getFirst().getBasicConstraints())
        .isEqualTo(-1);
    X509Certificate expired = Pki.certificates(Pki.hostile(Hostile.EXPIRED_CA)).getFirst();
    assertThat(expired.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(expired.getNotAfter().toInstant()).isBefore(Instant.parse("2001-01-02T00:00:00Z"));
  }
}
