// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cainjekt.trust.Cas;
import io.cainjekt.trust.PemBundle;
import io.cainjekt.trust.TestPki;
import io.cainjekt.trust.TrustStoreBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeDefaultsTest {

  private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
  private static final TestPki.Issued CORP = TestPki.rootCa("Corp Root CA");

  @TempDir Path root;

  private static PemBundle corp() throws IOException {
    return PemBundle.parseStrict("corp", CORP.pem().getBytes(US_ASCII));
  }

  @Test
  void jdkRootsAreTheRunningJdksCacerts() throws IOException {
    PemBundle roots = SafeDefaults.jdkRoots(JAVA_HOME);
    assertThat(roots.size()).isGreaterThan(50);
    assertThat(roots.certificates()).allSatisfy(c -> assertThat(c.isCa()).isTrue());
  }

  @Test
  void everyFileAnEnvVariableNamesIsProducedWithRootsPlusInjectedCas() throws IOException {
    PemBundle roots = SafeDefaults.jdkRoots(JAVA_HOME);
    SafeDefaults d = SafeDefaults.build(roots, corp());
    assertThat(d.files())
        .containsOnlyKeys(Staging.CA_BUNDLE, Staging.CUSTOM_CA, Staging.TRUSTSTORE);
    assertThat(d.rootCount()).isEqualTo(roots.size());
    assertThat(d.injectedCount()).isEqualTo(1);

    PemBundle bundle = PemBundle.parseLenient("ca-bundle", d.files().get(Staging.CA_BUNDLE));
    assertThat(bundle.size()).isEqualTo(roots.size() + 1);
    assertThat(bundle.certificates().getLast().certificate()).isEqualTo(CORP.certificate());
    assertThat(
            PemBundle.parseStrict("custom", d.files().get(Staging.CUSTOM_CA).toByteArray()).size())
        .isEqualTo(1);

    List<X509Certificate> store =
        Cas.x509(
            TrustStoreBuilder.readKeyStore("p12", d.files().get(Staging.TRUSTSTORE).toByteArray()));
    assertThat(store).hasSize(roots.size() + 1).contains(CORP.certificate());
  }

  @Test
  void anInjectedCaAlreadyAmongTheRootsIsNotDuplicated() throws IOException {
    PemBundle roots = SafeDefaults.jdkRoots(JAVA_HOME);
    PemBundle oneRoot = PemBundle.of(List.of(roots.certificates().getFirst()));
    SafeDefaults d = SafeDefaults.build(roots, oneRoot);
    assertThat(PemBundle.parseLenient("b", d.files().get(Staging.CA_BUNDLE)).size())
        .isEqualTo(roots.size());
    assertThat(
            TrustStoreBuilder.readKeyStore("p12", d.files().get(Staging.TRUSTSTORE).toByteArray()))
        .hasSize(roots.size());
  }

  @Test
  void safeDefaultsOfManyContainersAreStoredOnce() throws IOException {
    SafeDefaults d = SafeDefaults.build(SafeDefaults.jdkRoots(JAVA_HOME), corp());
    try (Staging staging = Staging.open(root)) {
      for (int i = 0; i < 20; i++) {
        staging.prepare("c" + i, d.files());
      }
      long once = d.files().values().stream().mapToLong(ByteString::size).sum();
      assertThat(staging.stagedBytes()).isEqualTo(once);
      Map<String, ByteString> files = d.files();
      assertThat(staging.directory("c19").resolve(Staging.CA_BUNDLE))
          .hasBinaryContent(files.get(Staging.CA_BUNDLE).toByteArray());
    }
  }
}
