// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustStoreBuilderTest {

  @Test
  void pkcs12HoldsTrustedCertificateEntriesReadableWithAnyOrNoPassword() throws Exception {
    X509Certificate corp = TestPki.rootCa("Corp Root CA").certificate();
    X509Certificate other = TestPki.rootCa("Other Root CA").certificate();
    byte[] p12 = TrustStoreBuilder.pkcs12(List.of(corp, other, corp));
    for (char[] password : new char[][] {null, "changeit".toCharArray(), "x".toCharArray()}) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(p12), password);
      assertThat(Collections.list(store.aliases())).hasSize(2);
      for (String alias : Collections.list(store.aliases())) {
        assertThat(store.isCertificateEntry(alias)).isTrue();
      }
    }
    assertThat(TrustStoreBuilder.readKeyStore("t.p12", p12)).containsExactly(corp, other);
  }
}
