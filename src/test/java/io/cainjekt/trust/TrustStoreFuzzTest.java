// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.fuzz.Mutator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of keystore reading (an image's JDK {@code cacerts}: JKS or PKCS12) with the
 * committed stores and our own PKCS12 output as seeds: a corrupt store is a {@link
 * TrustBundleException} naming the source, never another exception, and anything read is a list of
 * certificates.
 */
class TrustStoreFuzzTest {

  @Test
  void corruptKeystoresFailOnlyWithATrustBundleExceptionNamingTheStore() throws Exception {
    List<CaCertificate> cas =
        PemBundle.parseStrict("seed", PemBundleFuzzTest.load("/pki/corp-ca-and-ca2.pem"))
            .certificates();
    List<byte[]> seeds =
        List.of(
            PemBundleFuzzTest.load("/pki/cacerts.jks"),
            PemBundleFuzzTest.load("/pki/cacerts.p12"),
            TrustStoreBuilder.pkcs12(cas).toByteArray());
    int cases = Mutator.cases(150);
    int refused = 0;
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      byte[] store = m.mutate(m.pick(seeds));
      try {
        List<CaCertificate> read = TrustStoreBuilder.readKeyStore("/usr/lib/jvm/x/cacerts", store);
        assertThat(read).doesNotContainNull();
      } catch (TrustBundleException e) {
        refused++;
        assertThat(e.getMessage())
            .as("case %d", i)
            .startsWith("read keystore /usr/lib/jvm/x/cacerts as ");
      }
    }
    assertThat(refused).as("mutations that break the stores").isPositive();
  }
}
