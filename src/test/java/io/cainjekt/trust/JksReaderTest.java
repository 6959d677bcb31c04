// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class JksReaderTest {

  private static final TestPki.Issued ROOT_A = TestPki.rootCa("Jks Root A");
  private static final TestPki.Issued ROOT_B = TestPki.rootCa("Jks Root B");
  private static final TestPki.Issued ROOT_C = TestPki.rootCa("Jks Root C");

  @Test
  void readsTheTrustedEntriesOfAStoreTheJdkWroteLikeTheJdk() throws Exception {
    byte[] jks = jdkStore(ROOT_A, ROOT_B, ROOT_C);

    List<X509Certificate> read = Cas.x509(JksReader.trustedCertificates(jks).orElseThrow());

    assertThat(read)
        .containsExactlyInAnyOrderElementsOf(jdkRead(jks))
        .containsExactlyInAnyOrder(
            ROOT_A.certificate(), ROOT_B.certificate(), ROOT_C.certificate());
  }

  @Test
  void certificatesParsedBeforeAreTheInstancesParsedBefore() throws Exception {
    X509Certificate known = CaCertificate.parse(ROOT_A.der().clone()).certificate();

    List<X509Certificate> read =
        Cas.x509(JksReader.trustedCertificates(jdkStore(ROOT_A)).orElseThrow());

    assertThat(read).hasSize(1);
    assertThat(read.getFirst()).isSameAs(known);
  }

  @Test
  void keepsTheFileOrder() throws Exception {
    byte[] jks = handWritten(2, "z-first", ROOT_B, "a-second", ROOT_A, "m-third", ROOT_C);

    assertThat(Cas.x509(JksReader.trustedCertificates(jks).orElseThrow()))
        .containsExactly(ROOT_B.certificate(), ROOT_A.certificate(), ROOT_C.certificate());
  }

  @Test
  void trustStoreBuilderReadsJksStoresThroughThisReader() throws Exception {
    byte[] jks = handWritten(2, "z-first", ROOT_B, "a-second", ROOT_A, "m-third", ROOT_C);

    // the JDK's keystore hands them out in the order of its hash table
    assertThat(jdkRead(jks))
        .doesNotContainSequence(ROOT_B.certificate(), ROOT_A.certificate(), ROOT_C.certificate());
    assertThat(Cas.x509(TrustStoreBuilder.readKeyStore("cacerts", jks)))
        .containsExactly(ROOT_B.certificate(), ROOT_A.certificate(), ROOT_C.certificate());
  }

  @Test
  void anAliasGivenTwiceKeepsTheLaterCertificateAsTheJdkDoes() throws Exception {
    byte[] jks = handWritten(2, "corp", ROOT_A, "other", ROOT_B, "corp", ROOT_C);

    List<X509Certificate> read = Cas.x509(JksReader.trustedCertificates(jks).orElseThrow());

    assertThat(read).containsExactlyInAnyOrderElementsOf(jdkRead(jks));
    assertThat(read).containsExactly(ROOT_C.certificate(), ROOT_B.certificate());
  }

  @Test
  void anUpperCaseAliasIsSeenOnlyThroughItsLowerCaseTwinAsTheJdkDoes() throws Exception {
    byte[] jks = handWritten(2, "Corp", ROOT_A, "other", ROOT_B, "CORP", ROOT_C, "corp", ROOT_C);
    byte[] alone = handWritten(2, "Corp", ROOT_A, "other", ROOT_B);

    assertThat(Cas.x509(JksReader.trustedCertificates(jks).orElseThrow()))
        .containsExactlyInAnyOrderElementsOf(jdkRead(jks))
        .containsOnly(ROOT_B.certificate(), ROOT_C.certificate());
    assertThat(Cas.x509(JksReader.trustedCertificates(alone).orElseThrow()))
        .containsExactlyInAnyOrderElementsOf(jdkRead(alone))
        .containsExactly(ROOT_B.certificate());
  }

  @Test
  void aStoreWithAPrivateKeyEntryIsLeftToTheJdk() throws Exception {
    KeyStore store = KeyStore.getInstance("JKS");
    store.load(null, null);
    store.setCertificateEntry("root", ROOT_A.certificate());
    store.setKeyEntry(
        "key",
        ROOT_B.keys().getPrivate(),
        "pw".toCharArray(),
        new Certificate[] {ROOT_B.certificate()});
    byte[] jks = stored(store);

    assertThat(JksReader.trustedCertificates(jks)).isEmpty();
    assertThat(Cas.x509(TrustStoreBuilder.readKeyStore("cacerts", jks)))
        .containsExactly(ROOT_A.certificate());
  }

  @Test
  void unusualShapesAreLeftToTheJdk() throws Exception {
    assertThat(JksReader.trustedCertificates(handWritten(1, "a", ROOT_A)))
        .as("version 1")
        .isEmpty();
    assertThat(JksReader.trustedCertificates(withType("X509")))
        .as("another certificate type")
        .isEmpty();
    byte[] longer = Arrays.copyOf(ROOT_A.der(), ROOT_A.der().length + 1);
    assertThat(JksReader.trustedCertificates(handWritten(2, List.of("a"), List.of(longer))))
        .as("a byte after the certificate")
        .isEmpty();
    byte[] pkcs12 = TrustStoreBuilder.pkcs12(List.of(Cas.of(ROOT_A.certificate()))).toByteArray();
    assertThat(JksReader.trustedCertificates(pkcs12)).as("PKCS12").isEmpty();
    assertThat(JksReader.trustedCertificates(new byte[0])).as("empty").isEmpty();
  }

  @Test
  void everyTruncationGivesEmptyAndNeverThrows() throws Exception {
    byte[] jks = jdkStore(ROOT_A, ROOT_B);
    int entriesEnd = jks.length - 20; // the JDK's SHA-1 digest follows the entries

    for (int length = 0; length < entriesEnd; length++) {
      assertThat(JksReader.trustedCertificates(Arrays.copyOf(jks, length)))
          .as("first %d bytes", length)
          .isEmpty();
    }
    assertThat(JksReader.trustedCertificates(Arrays.copyOf(jks, entriesEnd))).isPresent();
  }

  @Test
  void countsAndLengthsBeyondTheFileAreRefusedWithoutAllocating() throws Exception {
    byte[] jks = handWritten(2, "a", ROOT_A);
    byte[] hugeCount = jks.clone();
    hugeCount[8] = 0x7f; // count 0x7f000001
    byte[] hugeLength = jks.clone();
    int lengthAt = 12 + 4 + 2 + 1 + 8 + 2 + 5; // tag, alias "a", date, type "X.509"
    hugeLength[lengthAt] = 0x7f;

    assertThat(JksReader.trustedCertificates(hugeCount)).isEmpty();
    assertThat(JksReader.trustedCertificates(hugeLength)).isEmpty();
  }

  private static byte[] jdkStore(TestPki.Issued... cas) throws Exception {
    KeyStore store = KeyStore.getInstance("JKS");
    store.load(null, null);
    for (TestPki.Issued ca : cas) {
      store.setCertificateEntry(
          ca.certificate().getSubjectX500Principal().getName(), ca.certificate());
    }
    return stored(store);
  }

  private static byte[] stored(KeyStore store) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.store(out, "changeit".toCharArray());
    return out.toByteArray();
  }

  private static List<X509Certificate> jdkRead(byte[] jks) throws Exception {
    KeyStore store = KeyStore.getInstance("JKS");
    store.load(new ByteArrayInputStream(jks), null);
    List<X509Certificate> certificates = new ArrayList<>();
    for (String alias : Collections.list(store.aliases())) {
      if (store.isCertificateEntry(alias)) { // as TrustStoreBuilder and the JDK's trust managers
        certificates.add((X509Certificate) store.getCertificate(alias));
      }
    }
    return certificates;
  }

  /** Trusted certificate entries as {@code alias, ca, alias, ca...}, without the digest. */
  private static byte[] handWritten(int version, Object... aliasesAndCas) throws IOException {
    List<String> aliases = new ArrayList<>();
    List<byte[]> ders = new ArrayList<>();
    for (int i = 0; i < aliasesAndCas.length; i += 2) {
      aliases.add((String) aliasesAndCas[i]);
      ders.add(((TestPki.Issued) aliasesAndCas[i + 1]).der());
    }
    return handWritten(version, aliases, ders, "X.509");
  }

  private static byte[] handWritten(int version, List<String> aliases, List<byte[]> ders)
      throws IOException {
    return handWritten(version, aliases, ders, "X.509");
  }

  private static byte[] withType(String type) throws IOException {
    return handWritten(2, List.of("a"), List.of(ROOT_A.der()), type);
  }

  private static byte[] handWritten(
      int version, List<String> aliases, List<byte[]> ders, String type) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(JksReader.MAGIC);
    out.writeInt(version);
    out.writeInt(aliases.size());
    for (int i = 0; i < aliases.size(); i++) {
      out.writeInt(2);
      out.writeUTF(aliases.get(i));
      out.writeLong(0);
      if (version == 2) {
        out.writeUTF(type);
      }
      out.writeInt(ders.get(i).length);
      out.write(ders.get(i));
    }
    return bytes.toByteArray();
  }
}
