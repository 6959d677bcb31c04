// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompatibilityTableTest {

  private static final String V17 = "# runtime\t1.7\tcontainerd x 1.7.24";
  private static final String V21 = "# runtime\t2.1\tcontainerd x/v2 2.1.9";

  private static String rec(String release, String client, String ca, String exp, String got) {
    return new CompatRecord(release, "alpine-tls", client, ca, false, exp, got).toLine();
  }

  private static void writeResults(Path basedir, String file, List<String> lines)
      throws IOException {
    Path results = Files.createDirectories(CompatResults.directory(basedir));
    Files.write(results.resolve(file), lines);
  }

  private static void assertUpdateRefused(Path basedir, String itTest, String why) {
    String[] update = {"update", basedir.toString(), "--it-test=" + itTest};
    assertThatThrownBy(() -> CompatibilityCheck.main(update)).hasMessageContaining(why);
    assertThat(basedir.resolve("docs/compatibility.md")).doesNotExist();
  }

  @Test
  void recordLineRoundTripsAndNamesFamilyAndCheck() {
    CompatRecord r =
        new CompatRecord("2.1", "suse-tls", "curl", "CORP_CA", true, "TRUSTED", "TRUSTED");
    assertThat(CompatRecord.parse(r.toLine())).isEqualTo(r);
    assertThat(r.family()).isEqualTo("suse");
    assertThat(r.check()).isEqualTo("injected CA trusted (OS store alone)");
    assertThat(
            new CompatRecord("1.7", "x", "curl", "FAKE_PUBLIC_ROOT", false, "TRUSTED", "ERROR")
                .check())
        .isEqualTo("public root still trusted");
    assertThat(
            new CompatRecord("1.7", "x", "curl", "CORP_CA", false, "UNTRUSTED", "UNTRUSTED")
                .check())
        .isEqualTo("CA not injected or rotated out: untrusted");
  }

  @Test
  void malformedRecordIsAClearError() {
    assertThatThrownBy(() -> CompatRecord.parse("1.7\tdebian-tls\tcurl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed compat record");
    assertThatThrownBy(
            () ->
                CompatibilityTable.parse(
                    List.of(rec("2.1", "curl", "CORP_CA", "TRUSTED", "TRUSTED"))))
        .hasMessageContaining("without header");
  }

  @Test
  void oneRowPerImageClientAndCheckWithAColumnPerRelease() {
    CompatibilityTable table =
        CompatibilityTable.parse(
            List.of(
                V17,
                V21,
                rec("1.7", "curl", "CORP_CA", "TRUSTED", "TRUSTED"),
                rec("1.7", "curl", "CORP_CA2", "TRUSTED", "TRUSTED"),
                rec("2.1", "curl", "CORP_CA", "TRUSTED", "TRUSTED"),
                rec("1.7", "openssl", "CORP_CA", "UNTRUSTED", "UNTRUSTED")));
    String md = table.render(Instant.parse("2026-11-28T01:02:03Z"));
    assertThat(md)
        .contains("Generated 2026-11-28T01:02:00Z by `./mvnw -B verify`")
        .contains("- 1.7: `containerd x 1.7.24`")
        .contains(
            "| distro family | image | TLS client | check | containerd 1.7 | containerd 2.1 |")
        .contains("| alpine | alpine-tls | curl | injected CA trusted | trusted | trusted |")
        .contains(
            "| alpine | alpine-tls | openssl | CA not injected or rotated out: untrusted | untrusted | - |");
    assertThat(md.lines().filter(l -> l.startsWith("| alpine"))).hasSize(2);
    assertThat(table.size()).isEqualTo(4);
  }

  @Test
  void unexpectedVerdictIsMarkedAsMismatch() {
    List<CompatRecord> row =
        List.of(
            CompatRecord.parse(rec("2.1", "node", "CORP_CA", "TRUSTED", "TRUSTED")),
            CompatRecord.parse(rec("2.1", "node", "CORP_CA", "TRUSTED", "UNTRUSTED")));
    assertThat(CompatibilityTable.cell(row, "2.1"))
        .isEqualTo("MISMATCH: trusted, untrusted (expected trusted)");
    assertThat(CompatibilityTable.cell(row, "1.7")).isEqualTo("-");
  }

  @Test
  void driftIgnoresTheDateButNotAVerdict() {
    List<String> lines = List.of(V17, rec("1.7", "curl", "CORP_CA", "TRUSTED", "TRUSTED"));
    String monday = CompatibilityTable.parse(lines).render(Instant.parse("2026-11-23T10:00:00Z"));
    String friday = CompatibilityTable.parse(lines).render(Instant.parse("2026-11-27T10:00:00Z"));
    assertThat(monday).isNotEqualTo(friday);
    assertThat(CompatibilityCheck.drift(monday, friday)).isEmpty();
    String broken =
        CompatibilityTable.parse(List.of(V17, rec("1.7", "curl", "CORP_CA", "TRUSTED", "ERROR")))
            .render(Instant.parse("2026-11-27T10:00:00Z"));
    assertThat(CompatibilityCheck.drift(monday, broken))
        .containsExactly(
            "- | alpine | alpine-tls | curl | injected CA trusted | trusted |",
            "+ | alpine | alpine-tls | curl | injected CA trusted | MISMATCH: error (expected trusted) |");
  }

  @Test
  void checkFailsOnACommittedDocThatDriftedAndUpdateRewritesIt(@TempDir Path basedir)
      throws IOException {
    writeResults(
        basedir,
        "containerd-1.7.tsv",
        List.of(V17, rec("1.7", "curl", "CORP_CA", "TRUSTED", "TRUSTED")));
    Files.createDirectories(basedir.resolve("docs"));
    Files.writeString(basedir.resolve("docs/compatibility.md"), "# stale\n");
    String[] check = {"check", basedir.toString(), "--it-test="};
    assertThatThrownBy(() -> CompatibilityCheck.main(check))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("differs from this run")
        .hasMessageContaining("- # stale");
    CompatibilityCheck.main(new String[] {"update", basedir.toString(), "--it-test="});
    CompatibilityCheck.main(check);
    assertThat(basedir.resolve("docs/compatibility.md")).content().contains("| curl |");
    assertThat(basedir.resolve("target/compatibility.md")).exists();
  }

  @Test
  void failedE2eRunIsLeftToFailsafeAndNeverUpdatesTheDocs(@TempDir Path basedir)
      throws IOException {
    writeResults(
        basedir,
        "containerd-1.7.tsv",
        List.of(V17, rec("1.7", "curl", "CORP_CA", "TRUSTED", "UNTRUSTED")));
    Path reports =
        Files.createDirectories(basedir.resolve("target/failsafe-reports-containerd-2.1"));
    Files.writeString(
        reports.resolve("failsafe-summary.xml"),
        "<failsafe-summary><completed>3</completed><errors>0</errors><failures>1</failures>"
            + "</failsafe-summary>");
    assertThat(CompatibilityCheck.failedSummaries(basedir.resolve("target")))
        .containsExactly(reports.resolve("failsafe-summary.xml"));
    CompatibilityCheck.main(new String[] {"check", basedir.toString(), "--it-test="});
    assertUpdateRefused(basedir, "", "failed run");
  }

  @Test
  void partialRunWritesTheTargetCopyButNeverUpdatesTheDocs(@TempDir Path basedir)
      throws IOException {
    writeResults(
        basedir,
        "containerd-2.1.tsv",
        List.of(V21, rec("2.1", "curl", "CORP_CA", "TRUSTED", "TRUSTED")));
    CompatibilityCheck.main(new String[] {"check", basedir.toString(), "--it-test=InjectionIT"});
    assertThat(basedir.resolve("target/compatibility.md")).exists();
    assertUpdateRefused(basedir, "X", "partial run");
  }
}
