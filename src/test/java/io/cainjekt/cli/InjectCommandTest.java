// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.Certificates;
import io.cainjekt.inject.TreeSnapshot;
import io.cainjekt.inject.os.Distro;
import io.cainjekt.inject.os.DistroRoots;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InjectCommandTest {

  @TempDir Path tmp;
  Path root;
  Path ca;
  StringWriter out = new StringWriter();
  StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() throws Exception {
    root = DistroRoots.build(Files.createDirectory(tmp.resolve("root")), Distro.TABLE.get(3));
    ca = tmp.resolve("corp-ca.pem");
    Files.write(ca, Pki.bytes("corp-ca.crt"));
  }

  /** Runs {@code cainjekt inject --rootfs ROOT --ca-bundle CA} with extra arguments. */
  int inject(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("inject", "--rootfs", root.toString(), "--ca-bundle", ca.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  int run(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void writesTheOsStoreAndTheStagedFilesAndPrintsATable() {
    int code = inject();
    assertThat(code).as(err.toString()).isEqualTo(Main.EXIT_OK);
    assertThat(Certificates.pem(root.resolve("etc/ssl/certs/ca-certificates.crt")))
        .contains(Pki.certificate("corp-ca"))
        .hasSize(4);
    for (String f :
        new String[] {"ca-bundle.pem", "custom-ca.pem", "truststore.p12", "status.json"}) {
      assertThat(root.resolve("etc/cainjekt/" + f)).isRegularFile();
    }
    assertThat(out.toString())
        .contains("distro: alpine")
        .containsPattern("os-store +applied +alpine: ")
        .contains("changed: /etc/ssl/certs/ca-certificates.crt")
        .contains("staged: /etc/cainjekt/truststore.p12");
  }

  @Test
  void dryRunWritesNothing() {
    var before = TreeSnapshot.of(root);
    int code = inject("--dry-run");
    assertThat(code).isEqualTo(Main.EXIT_OK);
    assertThat(TreeSnapshot.of(root)).isEqualTo(before);
    assertThat(out.toString()).contains("would change: /etc/ssl/certs/ca-certificates.crt");
  }

  @Test
  void jsonPrintsStatus() {
    int code = inject("--json", "--env", "PATH=/usr/bin");
    assertThat(code).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString())
        .startsWith("{\n  \"schemaVersion\": 1,")
        .contains("\"family\": \"alpine\"");
  }

  @Test
  void failedProcessorExitsOne() throws Exception {
    Files.delete(root.resolve("etc/os-release"));
    Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("os-release"));
    int code = inject();
    assertThat(code).isEqualTo(Main.EXIT_FAILURE);
    assertThat(out.toString()).containsPattern("os-store +FAILED +read os-release /etc/os-release");
  }

  @Test
  void privateKeyInTheCaBundleIsBadUsage() throws Exception {
    Files.write(ca, Pki.bytes("corp-ca.key"), java.nio.file.StandardOpenOption.APPEND);
    int code = inject();
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--ca-bundle").contains("PRIVATE KEY");
  }

  @Test
  void flagsHaveTheirEnvironmentForm() {
    CommandLine cmd =
        Main.commandLine(
            java.util.Map.of(
                "CAINJEKT_ROOTFS", root.toString(),
                "CAINJEKT_CA_BUNDLE", ca.toString(),
                "CAINJEKT_DRY_RUN", "true"));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    var before = TreeSnapshot.of(root);
    assertThat(cmd.execute("inject")).as(err.toString()).isEqualTo(Main.EXIT_OK);
    assertThat(out.toString()).contains("would change: /etc/ssl/certs/ca-certificates.crt");
    assertThat(TreeSnapshot.of(root)).isEqualTo(before);
  }

  @Test
  void missingRootfsIsBadUsage() {
    int code =
        run("inject", "--rootfs", tmp.resolve("nope").toString(), "--ca-bundle", ca.toString());
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--rootfs");
  }

  @Test
  void malformedEnvIsBadUsage() {
    int code = inject("--env", "NOEQUALS");
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--env NOEQUALS: expected KEY=VALUE");
  }
}
