// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class BundleMergerTest {

  private static final TestPki.Issued PUBLIC_ROOT = TestPki.rootCa("Fake Public Root");
  private static final TestPki.Issued CORP = TestPki.rootCa("Corp Root CA");
  private static final TestPki.Issued CORP2 = TestPki.rootCa("Corp Issuing CA");

  private static PemBundle cas(TestPki.Issued... issued) throws TrustBundleException {
    StringBuilder pem = new StringBuilder();
    for (TestPki.Issued i : issued) {
      pem.append(i.pem());
    }
    return PemBundle.parseStrict("cas.pem", pem.toString().getBytes(US_ASCII));
  }

  private static ByteString ascii(String text) {
    return ByteString.copyFrom(text, US_ASCII);
  }

  @Test
  void baseBytesAreKeptVerbatimAndOnlyAbsentCertificatesAppended() throws Exception {
    ByteString base = ascii("# image bundle\r\n" + PUBLIC_ROOT.pem().replace("\n", "\r\n"));
    BundleMerger.Merge merge =
        BundleMerger.merge("/etc/ssl/cert.pem", base, cas(CORP, PUBLIC_ROOT));
    assertThat(merge.added()).isEqualTo(1);
    assertThat(merge.changed()).isTrue();
    ByteString content = merge.content();
    assertThat(content.substring(0, base.size())).isEqualTo(base);
    assertThat(content.substring(base.size()).toString(US_ASCII)).isEqualTo(CORP.pem());
  }

  @Test
  void equalBytesAtTwoPathsShareOneMerge() throws Exception {
    ContentMemo memo = new ContentMemo();
    // older Alpine images hold their bundle twice: /etc/ssl/cert.pem and ca-certificates.crt
    ByteString bundle = ascii("# bundle\n" + TestPki.rootCa("Twice Root").pem());
    PemBundle additions = cas(CORP);
    BundleMerger.Merge first = memo.merge("/etc/ssl/cert.pem", bundle, additions);
    BundleMerger.Merge second =
        memo.merge(
            "/etc/ssl/certs/ca-certificates.crt",
            ByteString.copyFrom(bundle.toByteArray()),
            additions);
    assertThat(second).isSameAs(first);
  }

  @Test
  void baseWithoutTrailingNewlineGetsOneBeforeTheAppendedBlock() throws Exception {
    String base = PUBLIC_ROOT.pem().stripTrailing();
    BundleMerger.Merge merge = BundleMerger.merge("b", ascii(base), cas(CORP));
    assertThat(merge.content().toString(US_ASCII)).isEqualTo(base + "\n" + CORP.pem());
    assertThat(PemBundle.parseLenient("m", merge.content()).size()).isEqualTo(2);
  }

  @Test
  void nothingToAddReturnsTheBaseUnchanged() throws Exception {
    ByteString base = ascii(CORP.pem() + CORP2.pem());
    BundleMerger.Merge merge = BundleMerger.merge("b", base, cas(CORP2, CORP));
    assertThat(merge.changed()).isFalse();
    assertThat(merge.content()).isEqualTo(base);
  }

  @Test
  void emptyBaseBecomesTheAdditionsAndMergingTwiceIsIdempotent() throws Exception {
    BundleMerger.Merge first = BundleMerger.merge("b", ByteString.EMPTY, cas(CORP, CORP2));
    assertThat(first.added()).isEqualTo(2);
    assertThat(first.content().toString(US_ASCII)).isEqualTo(CORP.pem() + CORP2.pem());
    BundleMerger.Merge second = BundleMerger.merge("b", first.content(), cas(CORP, CORP2));
    assertThat(second.changed()).isFalse();
  }

  @Test
  void theSameBaseContentAndCasGiveTheSameMergedContent() throws Exception {
    ContentMemo memo = new ContentMemo();
    String base = "# merge memo\n" + PUBLIC_ROOT.pem();
    BundleMerger.Merge first = memo.merge("/etc/ssl/memo.pem", ascii(base), cas(CORP));
    // another container of the image: equal bytes in a new array, so nothing is merged or hashed
    // again
    BundleMerger.Merge again = memo.merge("/etc/ssl/memo.pem", ascii(base), cas(CORP));
    BundleMerger.Merge otherCas = memo.merge("/etc/ssl/memo.pem", ascii(base), cas(CORP2));

    assertThat(again.content()).isSameAs(first.content());
    assertThat(otherCas.content()).isNotSameAs(first.content());
    assertThat(otherCas.content().toString(US_ASCII)).endsWith(CORP2.pem());
    assertThat(again.content().toString(US_ASCII)).isEqualTo(base + CORP.pem());
  }

  @Test
  void aBaseWithTheCrcOfAnotherIsMergedFromItsOwnBytes() throws Exception {
    byte[] known =
        ("# merge memo, forged\n" + PUBLIC_ROOT.pem() + "# tail 12345678").getBytes(US_ASCII);
    byte[] forged = Crc32cForgery.sameCrcOtherBytes(known);
    assertThat(Crc32cForgery.crc32c(forged)).isEqualTo(Crc32cForgery.crc32c(known));

    BundleMerger.Merge ofKnown =
        BundleMerger.merge("/etc/ssl/forged.pem", ByteString.copyFrom(known), cas(CORP));
    BundleMerger.Merge ofForged =
        BundleMerger.merge("/etc/ssl/forged.pem", ByteString.copyFrom(forged), cas(CORP));

    assertThat(ofKnown.content().substring(0, known.length).toByteArray()).isEqualTo(known);
    assertThat(ofForged.content().substring(0, forged.length).toByteArray()).isEqualTo(forged);
  }

  @Test
  void removeCutsOutExactlyTheNamedBlocksAndKeepsEveryOtherByte() throws Exception {
    String image = "# image bundle\r\n" + PUBLIC_ROOT.pem().replace("\n", "\r\n") + "# tail\n";
    ByteString merged = BundleMerger.merge("b", ascii(image), cas(CORP, CORP2)).content();
    Fingerprint corp = cas(CORP).certificates().getFirst().fingerprint();

    ByteString without = BundleMerger.remove(merged, java.util.Set.of(corp));

    assertThat(without.toString(US_ASCII)).isEqualTo(image + CORP2.pem());
  }

  @Test
  void removeKeepsTheImagesOwnCopyOnlyWhenAskedToAndReturnsTheSameContentWhenNothingMatches()
      throws Exception {
    ByteString image = ascii(PUBLIC_ROOT.pem() + CORP.pem());
    Fingerprint corp2 = cas(CORP2).certificates().getFirst().fingerprint();
    Fingerprint corp = cas(CORP).certificates().getFirst().fingerprint();

    assertThat(BundleMerger.remove(image, java.util.Set.of(corp2))).isSameAs(image);
    assertThat(BundleMerger.remove(image, java.util.Set.of())).isSameAs(image);
    assertThat(BundleMerger.remove(image, java.util.Set.of(corp)).toString(US_ASCII))
        .isEqualTo(PUBLIC_ROOT.pem());
  }

  @Test
  void removeLeavesMalformedAndOtherBlocksAlone() throws Exception {
    String broken = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    String key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    ByteString pem = ascii(broken + key + CORP.pem());
    Fingerprint corp = cas(CORP).certificates().getFirst().fingerprint();

    assertThat(BundleMerger.remove(pem, java.util.Set.of(corp)).toString(US_ASCII))
        .isEqualTo(broken + key);
  }
}
