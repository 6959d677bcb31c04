// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PemBundleTest {

  private static final TestPki.Issued CORP = TestPki.rootCa("Corp Root CA");
  private static final TestPki.Issued OTHER = TestPki.rootCa("Other Root CA");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void strictParseKeepsInputOrderAndDropsDerDuplicates() throws Exception {
    PemBundle bundle =
        PemBundle.parseStrict(
            "cas.pem", bytes("# corp\n" + CORP.pem() + OTHER.pem() + "comment\n" + CORP.pem()));
    assertThat(bundle.size()).isEqualTo(2);
    assertThat(bundle.certificates())
        .extracting(CaCertificate::subject)
        .containsExactly("CN=Corp Root CA", "CN=Other Root CA");
    assertThat(bundle.warnings()).isEmpty();
  }

  @Test
  void privateKeyBlockIsRejectedNamingSourceIndexAndTypeButNotTheBody() {
    String key = CORP.privateKeyPem();
    String body = key.lines().skip(1).findFirst().orElseThrow();
    assertThatThrownBy(() -> PemBundle.parseStrict("cas.pem", bytes(CORP.pem() + key)))
        .isInstanceOf(TrustBundleException.class)
        .hasMessageContaining("cas.pem")
        .hasMessageContaining("PEM block 2")
        .hasMessageContaining("PRIVATE KEY")
        .hasMessageNotContaining(body);
  }

  @Test
  void inputWithoutCertificatesIsRejected() {
    assertThatThrownBy(() -> PemBundle.parseStrict("empty.pem", bytes("just text\n")))
        .isInstanceOf(TrustBundleException.class)
        .hasMessage("empty.pem: no PEM certificate found");
  }

  @Test
  void lenientParseSkipsKeysAndGarbageButKeepsCertificates() {
    PemBundle bundle =
        PemBundle.parseLenient(
            "/etc/ssl/cert.pem",
            bytes(CORP.privateKeyPem() + CORP.pem() + "-----BEGIN CERTIFICATE-----\n!!\n"));
    assertThat(bundle.certificates())
        .extracting(CaCertificate::fingerprint)
        .containsExactly(Fingerprint.of(CORP.der()));
    assertThat(bundle.warnings()).hasSize(2);
  }

  @Test
  void contentHashIgnoresOrderAndDuplicates() throws Exception {
    PemBundle a = PemBundle.parseStrict("a", bytes(CORP.pem() + OTHER.pem()));
    PemBundle b = PemBundle.parseStrict("b", bytes(OTHER.pem() + CORP.pem() + OTHER.pem()));
    assertThat(a.contentHash()).isEqualTo(b.contentHash());
    assertThat(a.contentHash())
        .isNotEqualTo(PemBundle.parseStrict("c", bytes(CORP.pem())).contentHash());
  }

  @Test
  void warningsNameNonCaExpiredAndNotYetValidCertificates() throws Exception {
    Instant now = Instant.now();
    TestPki.Issued expired =
        TestPki.rootCa("Expired CA", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
    TestPki.Issued future =
        TestPki.rootCa("Future CA", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
    TestPki.Issued leaf = TestPki.leaf("server", CORP);
    PemBundle bundle =
        PemBundle.parseStrict("x", bytes(expired.pem() + future.pem() + leaf.pem()), now);
    assertThat(bundle.warnings())
        .hasSize(3)
        .anySatisfy(w -> assertThat(w).contains("Expired CA").contains("expired"))
        .anySatisfy(w -> assertThat(w).contains("Future CA").contains("not valid before"))
        .anySatisfy(w -> assertThat(w).contains("server").contains("not a CA"));
    assertThat(bundle.earliestExpiry()).contains(expired.certificate().getNotAfter().toInstant());
  }

  @Test
  void toPemRoundTripsThroughStrictParse() throws Exception {
    PemBundle bundle = PemBundle.parseStrict("a", bytes(CORP.pem() + OTHER.pem()));
    PemBundle again = PemBundle.parseStrict("b", bundle.toPem().toByteArray());
    assertThat(again.certificates()).isEqualTo(bundle.certificates());
    assertThat(bundle.toPem().toString(StandardCharsets.US_ASCII))
        .isEqualTo(CORP.pem() + OTHER.pem());
  }
}
