// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class OsReleaseTest {

  private static OsRelease parse(String text) {
    return OsRelease.parse(ByteString.copyFromUtf8(text));
  }

  @Test
  void readsDebianFile() {
    OsRelease os =
        parse(
            """
            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
            NAME="Debian GNU/Linux"
            VERSION_ID="12"
            ID=debian
            HOME_URL="https://www.debian.org/"
            """);
    assertThat(os)
        .isEqualTo(new OsRelease("debian", List.of(), "12", "Debian GNU/Linux 12 (bookworm)"));
    assertThat(os.lineage()).containsExactly("debian");
  }

  @Test
  void idLikeIsSplitLowercasedAndFollowsTheId() {
    OsRelease os = parse("ID=\"Rocky\"\r\nID_LIKE=\"rhel centos  fedora\"\r\n# comment\n");
    assertThat(os.id()).isEqualTo("rocky");
    assertThat(os.lineage()).containsExactly("rocky", "rhel", "centos", "fedora");
  }

  @Test
  void singleQuotesAndEscapesAreShellLike() {
    OsRelease os = parse("ID='opensuse-leap'\nPRETTY_NAME=\"a \\\"quoted\\\" name\"\n");
    assertThat(os.id()).isEqualTo("opensuse-leap");
    assertThat(os.prettyName()).isEqualTo("a \"quoted\" name");
  }

  @Test
  void laterAssignmentWinsLikeInAShell() {
    assertThat(parse("ID=alpine\nID=debian\n").id()).isEqualTo("debian");
  }

  @Test
  void identifiersThatAreNotIdentifiersAreDropped() {
    OsRelease os =
        parse("ID=../../etc\nID_LIKE=\"debian $(reboot) ubuntu\"\nVERSION_ID=\"unterminated\n");
    assertThat(os.id()).isEmpty();
    assertThat(os.idLike()).containsExactly("debian", "ubuntu");
    assertThat(os.versionId()).isEmpty();
  }

  @Test
  void garbageYieldsAnEmptyRecord() {
    byte[] garbage = new byte[4096];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 31 + 7);
    }
    OsRelease os = OsRelease.parse(ByteString.copyFrom(garbage));
    assertThat(os.id()).isEmpty();
    assertThat(os.lineage()).isEmpty();
  }

  @Test
  void controlCharactersAreRemovedAndLongValuesClipped() {
    OsRelease os = parse("PRETTY_NAME=\"a\u0007b\"\nVERSION_ID=" + "9".repeat(1000) + "\n");
    assertThat(os.prettyName()).isEqualTo("ab");
    assertThat(os.versionId()).hasSize(256);
  }

  @Property(tries = 300)
  void parsingNeverThrowsAndIdsStayIdentifiers(@ForAll byte[] content) {
    OsRelease os = OsRelease.parse(ByteString.copyFrom(content));
    assertThat(os.lineage()).allMatch(id -> id.matches("[a-z0-9._-]{1,64}"));
  }
}
