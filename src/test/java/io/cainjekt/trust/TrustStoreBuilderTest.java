// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.junit.jupiter.api.Test;

class TrustStoreBuilderTest {

  private static final X509Certificate CORP = TestPki.rootCa("Corp Root CA").certificate();
  private static final X509Certificate OTHER = TestPki.rootCa("Other Root CA").certificate();

  @Test
  void pkcs12HoldsTrustedCertificateEntriesReadableWithAnyOrNoPassword() throws Exception {
    byte[] p12 = TrustStoreBuilder.pkcs12(Cas.of(List.of(CORP, OTHER, CORP))).toByteArray();
    for (char[] password : new char[][] {null, "changeit".toCharArray(), "x".toCharArray()}) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(p12), password);
      assertThat(Collections.list(store.aliases())).hasSize(2);
      for (String alias : Collections.list(store.aliases())) {
        assertThat(store.isCertificateEntry(alias)).isTrue();
      }
    }
    assertThat(Cas.x509(TrustStoreBuilder.readKeyStore("t.p12", p12))).containsExactly(CORP, OTHER);
  }

  @Test
  void pkcs12HasNoMacNoEncryptionAndTheOracleTrustAttributeOnEveryBag() throws Exception {
    PKCS12PfxPdu pfx =
        new PKCS12PfxPdu(TrustStoreBuilder.pkcs12(Cas.of(List.of(CORP, OTHER))).toByteArray());
    assertThat(pfx.hasMac()).isFalse();
    ContentInfo[] infos = pfx.getContentInfos();
    assertThat(infos).hasSize(1);
    assertThat(infos[0].getContentType()).isEqualTo(PKCSObjectIdentifiers.data);
    PKCS12SafeBag[] bags = new PKCS12SafeBagFactory(infos[0]).getSafeBags();
    assertThat(bags).hasSize(2);
    for (PKCS12SafeBag bag : bags) {
      assertThat(bag.getType()).isEqualTo(PKCSObjectIdentifiers.certBag);
      assertThat(Arrays.stream(bag.getAttributes()).map(Attribute::getAttrType))
          .containsExactlyInAnyOrder(
              PKCSObjectIdentifiers.pkcs_9_at_friendlyName,
              new ASN1ObjectIdentifier(TrustStoreBuilder.OID_ORACLE_TRUSTED_KEY_USAGE));
    }
  }

  @Test
  void outputIsDeterministic() throws Exception {
    assertThat(TrustStoreBuilder.pkcs12(Cas.of(List.of(CORP, OTHER))).toByteArray())
        .isEqualTo(TrustStoreBuilder.pkcs12(Cas.of(List.of(CORP, OTHER))).toByteArray());
  }

  @Test
  void readsJksAndPasswordProtectedPkcs12Cacerts() throws Exception {
    for (String type : List.of("JKS", "PKCS12")) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(null, null);
      store.setCertificateEntry("corp", CORP);
      store.setCertificateEntry("other", OTHER);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.store(out, "changeit".toCharArray());
      assertThat(Cas.x509(TrustStoreBuilder.readKeyStore("cacerts", out.toByteArray())))
          .as(type)
          .containsExactlyInAnyOrder(CORP, OTHER);
    }
  }

  @Test
  void unreadableKeystoreNamesTheSource() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("corp", CORP);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.store(out, "not-the-default".toCharArray());
    assertThatThrownBy(
            () -> TrustStoreBuilder.readKeyStore("/usr/lib/jvm/x/cacerts", out.toByteArray()))
        .isInstanceOf(TrustBundleException.class)
        .hasMessageContaining("/usr/lib/jvm/x/cacerts");
    assertThatThrownBy(() -> TrustStoreBuilder.readKeyStore("garbage", new byte[] {1, 2, 3}))
        .isInstanceOf(TrustBundleException.class)
        .hasMessageContaining("garbage");
  }
}
