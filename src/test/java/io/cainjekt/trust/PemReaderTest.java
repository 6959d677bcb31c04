// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PemReaderTest {

  private static final TestPki.Issued CA = TestPki.rootCa("Reader CA");

  @Test
  void everyLineEndingEndsALine() {
    for (String eol : List.of("\n", "\r\n", "\r")) {
      List<PemReader.Block> blocks =
          PemReader.read(CA.pem().replace("\n", eol).getBytes(ISO_8859_1));
      assertThat(blocks).singleElement().satisfies(b -> assertThat(b.der()).isEqualTo(CA.der()));
    }
  }

  @Test
  void onlyWhatStringStripRemovesIsStrippedFromABodyLine() {
    String[] lines = CA.pem().split("\n");
    String firstBodyLine = lines[1];
    for (int b = 0; b < 256; b++) {
      char c = (char) b;
      if (c == '\n' || c == '\r') {
        continue;
      }
      // around the first body line
      lines[1] = c + firstBodyLine + c;
      byte[] pem = (String.join("\n", lines) + "\n").getBytes(ISO_8859_1);
      PemReader.Block block = PemReader.read(pem).getFirst();
      if (String.valueOf(c).strip().isEmpty()) {
        assertThat(block.der()).as("byte 0x%02x", b).isEqualTo(CA.der());
      } else {
        // not base64, or base64 of other bytes (a base64 character, when the body has no padding)
        assertThat(block.malformed() || !Arrays.equals(block.der(), CA.der()))
            .as("byte 0x%02x", b)
            .isTrue();
      }
    }
  }

  @Test
  void aCertificateBlockGivesItsCertificate() throws Exception {
    TestPki.Issued ca = TestPki.rootCa("No Text CA");
    PemReader.Block block = new PemReader.Block(1, "CERTIFICATE", ca.der(), null);
    assertThat(block.certificate().der().toByteArray()).isEqualTo(ca.der());
  }

  @Test
  void markersAreFoundOnlyAtTheStartOfAStrippedLine() {
    byte[] pem = ("text -----BEGIN CERTIFICATE-----\n \t" + CA.pem()).getBytes(ISO_8859_1);

    assertThat(PemReader.read(pem))
        .extracting(PemReader.Block::index, PemReader.Block::problem)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "BEGIN marker not at the start of a line"),
            org.assertj.core.groups.Tuple.tuple(2, null));
  }
}
