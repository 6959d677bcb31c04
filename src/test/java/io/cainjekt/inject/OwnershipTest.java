// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.trust.Fingerprint;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OwnershipTest {

  private static final Fingerprint A = Fingerprint.of(new byte[] {1});
  private static final Fingerprint B = Fingerprint.of(new byte[] {2});

  @Test
  void theStagedFormReadsBackToTheSameRecord() {
    Ownership o =
        new Ownership(
            Map.of("/etc/ssl/certs/ca-certificates.crt", Set.of(A, B), "/etc/pki/java", Set.of(A)),
            Set.of("/usr/local/share/ca-certificates/cainjekt-x.crt"),
            Map.of("/etc/ssl/certs/1a2b3c4d.0", "cainjekt-x.pem"));

    assertThat(Ownership.parse(o.toBytes().toByteArray())).isEqualTo(o);
    assertThat(o.toBytes().toStringUtf8())
        .startsWith("cainjekt-ownership 1\n")
        .contains("added " + A.hex() + " /etc/ssl/certs/ca-certificates.crt\n")
        .contains("link cainjekt-x.pem /etc/ssl/certs/1a2b3c4d.0\n");
  }

  @Test
  void pathsWithSpacesPercentSignsAndLineBreaksStayOneEntryEach() {
    Ownership o =
        new Ownership(
            Map.of("/a b/%0A/c\nd", Set.of(A)), Set.of("/x\r\ny %20"), Map.of("/l n", "t %"));

    byte[] staged = o.toBytes().toByteArray();

    assertThat(new String(staged, UTF_8).split("\n")).hasSize(4);
    assertThat(Ownership.parse(staged)).isEqualTo(o);
  }

  @Test
  void aUnionHoldsTheEntriesOfBoth() {
    Ownership first = new Ownership(Map.of("/b", Set.of(A)), Set.of("/f1"), Map.of());
    Ownership second = new Ownership(Map.of("/b", Set.of(B)), Set.of("/f2"), Map.of("/l", "t"));

    Ownership union = first.union(second);

    assertThat(union.addedTo("/b")).containsExactlyInAnyOrder(A, B);
    assertThat(union.files()).containsExactly("/f1", "/f2");
    assertThat(union.links()).containsEntry("/l", "t");
    assertThat(Ownership.NONE.union(first)).isEqualTo(first);
  }

  @Test
  void aRecordThatIsNotOursIsAClearError() {
    assertThatThrownBy(() -> Ownership.parse("hello\n".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not start with 'cainjekt-ownership 1'");
    assertThatThrownBy(() -> Ownership.parse("cainjekt-ownership 1\nadded zz /x\n".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> Ownership.parse("cainjekt-ownership 1\nremove /x\n".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2 is not an entry");
  }
}
