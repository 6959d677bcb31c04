// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.os.Distro;
import io.cainjekt.inject.os.DistroRoots;
import io.cainjekt.inject.os.OsStoreProcessor;
import io.cainjekt.inject.runtime.JavaRuntimeProcessor;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.ContentMemo;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {

  @TempDir Path tmp;

  /** One pipeline and memo for the tests, as for the daemon. */
  private static final Pipeline PIPELINE = Pipeline.standard(new ContentMemo());

  static PemBundle cas() throws IOException {
    return PemBundle.parseStrict("corp-ca.pem", Pki.bytes("corp-ca.crt"));
  }

  static InjectionReport run(Path root, ProcessorSelection filter, Map<String, String> env)
      throws IOException {
    return PIPELINE.run(
        new InjectionRequest(RootFs.open(root), cas(), env, Set.of(), filter, false));
  }

  static String status(InjectionReport report) {
    return report.files().get(InjectionReport.STATUS).toStringUtf8();
  }

  /** What a test processor does once detected. */
  interface Apply {
    Outcome apply(InjectionContext context) throws IOException;
  }

  /** A processor {@code id} that runs before the standard ones, always detects and applies. */
  static Processor first(String id, Apply apply) {
    return new Processor() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public int priority() {
        return 0;
      }

      @Override
      public Detection detect(InjectionContext context) {
        return Detection.found("always");
      }

      @Override
      public Outcome apply(InjectionContext context) throws IOException {
        return apply.apply(context);
      }
    };
  }

  /** A processor "broken" that runs first, always detects and throws {@code failure}. */
  static Processor throwing(InjectionException failure) {
    return first(
        "broken",
        context -> {
          throw failure;
        });
  }

  /** A Debian root with a JDK whose cacerts links to the distro's extracted store. */
  Path debianWithJdk() throws IOException {
    return debianWithJdk(tmp);
  }

  static Path debianWithJdk(Path dir) throws IOException {
    Path root = DistroRoots.build(dir, Distro.TABLE.getFirst());
    String home = "/usr/lib/jvm/java-17-openjdk-amd64";
    DistroRoots.write(root, home + "/bin/java", new byte[] {0x7f, 'E', 'L', 'F'});
    DistroRoots.write(root, home + "/release", "JAVA_VERSION=\"17.0.13\"\n".getBytes());
    DistroRoots.link(root, home + "/lib/security/cacerts", "/etc/ssl/certs/java/cacerts");
    // regression (rhel-tls image): a file beside the homes was resolved as a directory and
    // failed the Java processor
    DistroRoots.write(root, "/usr/lib/jvm/.java-1.17.0-openjdk-amd64.jinfo", new byte[] {1});
    DistroRoots.write(root, "/usr/bin/python3", new byte[] {1});
    DistroRoots.write(
        root, "/usr/lib/python3/dist-packages/certifi/cacert.pem", Pki.bytes("public-root-2.crt"));
    DistroRoots.write(
        root,
        "/usr/lib/python3.11/site-packages/certifi/cacert.pem",
        Pki.bytes("public-root-2.crt"));
    return root;
  }

  @Test
  void producesTheFiveFilesInOrder() throws IOException {
    // a PATH entry that is a file is no match, not an error
    InjectionReport report =
        run(debianWithJdk(), ProcessorSelection.ALL, Map.of("PATH", "/etc/os-release:/usr/bin"));
    assertThat(report.files().keySet())
        .containsExactly(
            "ca-bundle.pem", "custom-ca.pem", "truststore.p12", "status.json", "ownership");
    assertThat(report.anyFailed()).isFalse();
    assertThat(report.distro()).contains("debian");
  }

  @Test
  void caBundleIsTheImageBundlePlusTheCasDeduplicated() throws IOException {
    Path root = debianWithJdk();
    // the image already trusts fake-public-root twice: the staged bundle holds it once
    DistroRoots.write(
        root,
        "/etc/ssl/certs/ca-certificates.crt",
        (new String(Pki.bytes("image-bundle.pem")) + new String(Pki.bytes("fake-public-root.crt")))
            .getBytes());
    InjectionReport report = run(root, ProcessorSelection.ALL, Map.of());
    assertThat(Certificates.pem(report.files().get("ca-bundle.pem")))
        .containsExactly(
            Pki.certificate("fake-public-root"),
            Pki.certificate("public-root-2"),
            Pki.certificate("public-root-3"),
            Pki.certificate("corp-ca"));
    assertThat(Certificates.pem(report.files().get("custom-ca.pem")))
        .containsExactly(Pki.certificate("corp-ca"));
  }

  @Test
  void anotherRootOfTheSameImageGetsTheSameStagedContent() throws IOException {
    // a new layer chain of an image the node has seen: the files staged are the instances staged
    // before, so staging finds their hashes remembered instead of hashing 200 KB again
    InjectionReport first =
        run(debianWithJdk(tmp.resolve("one")), ProcessorSelection.ALL, Map.of());
    InjectionReport second =
        run(debianWithJdk(tmp.resolve("two")), ProcessorSelection.ALL, Map.of());
    for (String name : List.of("ca-bundle.pem", "truststore.p12")) {
      assertThat(second.files().get(name)).as(name).isSameAs(first.files().get(name));
    }
  }

  @Test
  void truststoreIsSeededFromTheJdkCacerts() throws IOException {
    Path root = debianWithJdk();
    // a JDK cacerts that differs from the OS bundle proves which one seeded the truststore
    DistroRoots.write(root, "/etc/ssl/certs/java/cacerts", Pki.bytes("cacerts.jks"));
    DistroRoots.write(root, "/etc/ssl/certs/ca-certificates.crt", Pki.bytes("public-root-3.crt"));
    InjectionReport report = run(root, ProcessorSelection.ALL, Map.of());
    assertThat(Certificates.keystore(report.files().get("truststore.p12")))
        .containsExactlyInAnyOrder(
            Pki.certificate("fake-public-root"),
            Pki.certificate("public-root-2"),
            Pki.certificate("public-root-3"),
            Pki.certificate("corp-ca"));
    assertThat(status(report))
        .contains("\"seed\": \"/usr/lib/jvm/java-17-openjdk-amd64/lib/security/cacerts\"");
  }

  @Test
  void truststoreFallsBackToTheOsBundleWithoutJdk() throws IOException {
    Path root = DistroRoots.build(tmp, Distro.TABLE.get(3)); // alpine: no JDK
    InjectionReport report = run(root, ProcessorSelection.ALL, Map.of());
    assertThat(Certificates.keystore(report.files().get("truststore.p12")))
        .hasSize(4)
        .contains(Pki.certificate("corp-ca"), Pki.certificate("public-root-2"));
    assertThat(status(report)).contains("\"seed\": \"/etc/ssl/certs/ca-certificates.crt\"");
  }

  @Test
  void imageWithoutBundleGetsTheCasOnlyAndANote() throws IOException {
    Files.createDirectories(tmp.resolve("etc"));
    InjectionReport report = run(tmp, ProcessorSelection.ALL, Map.of());
    assertThat(Certificates.pem(report.files().get("ca-bundle.pem")))
        .containsExactly(Pki.certificate("corp-ca"));
    assertThat(Certificates.keystore(report.files().get("truststore.p12")))
        .containsExactly(Pki.certificate("corp-ca"));
    assertThat(status(report))
        .contains("image has no OS bundle")
        .contains("\"family\": \"generic\"");
    assertThat(report.distro()).isEmpty();
  }

  @Test
  void javaHomeFromTheContainerEnvWins() throws IOException {
    Path root = debianWithJdk();
    String other = "/opt/custom-jdk";
    DistroRoots.write(root, other + "/bin/java", new byte[] {1});
    DistroRoots.write(root, other + "/lib/security/cacerts", Pki.bytes("cacerts.p12"));
    InjectionReport report = run(root, ProcessorSelection.ALL, Map.of("JAVA_HOME", other + "/"));
    assertThat(status(report)).contains("\"seed\": \"/opt/custom-jdk/lib/security/cacerts\"");
  }

  @Test
  void jdkCacertsIsNeverModified() throws IOException {
    Path root = debianWithJdk();
    String home = "/usr/lib/jvm/temurin-21";
    DistroRoots.write(root, home + "/bin/java", new byte[] {1});
    DistroRoots.write(root, home + "/lib/security/cacerts", Pki.bytes("cacerts.p12"));
    var before = TreeSnapshot.of(root.resolve("usr/lib/jvm"));
    run(root, ProcessorSelection.ALL, Map.of());
    assertThat(TreeSnapshot.of(root.resolve("usr/lib/jvm"))).isEqualTo(before);
  }

  @Test
  void statusListsDistroRuntimesCertifiAndFingerprints() throws IOException {
    InjectionReport report = run(debianWithJdk(), ProcessorSelection.ALL, Map.of());
    String hex = cas().certificates().getFirst().fingerprint().hex();
    assertThat(status(report))
        .startsWith("{\n  \"schemaVersion\": 1,\n  \"state\": \"injected\",\n  \"dryRun\": false,")
        .contains("\"family\": \"debian\"")
        .contains("\"sha256\": \"" + hex + "\"")
        .contains("\"name\": \"java\"", "JDK 17.0.13")
        .contains("\"name\": \"python\"", "/usr/lib/python3.11/site-packages/certifi/cacert.pem")
        .contains("\"id\": \"runtime-node\",\n      \"outcome\": \"skipped\"")
        .contains("\"/usr/local/share/ca-certificates/cainjekt-" + hex + ".crt\"")
        .contains("\"errors\": []");
  }

  @Test
  void statusIsIdenticalForIdenticalImages() throws IOException {
    Path a = DistroRoots.build(Files.createDirectory(tmp.resolve("a")), Distro.TABLE.get(1));
    Path b = DistroRoots.build(Files.createDirectory(tmp.resolve("b")), Distro.TABLE.get(1));
    assertThat(run(a, ProcessorSelection.ALL, Map.of()).files().get("status.json"))
        .isEqualTo(run(b, ProcessorSelection.ALL, Map.of()).files().get("status.json"));
  }

  @Test
  void excludedProcessorChangesNothingButStillDetects() throws IOException {
    Path root = debianWithJdk();
    var before = TreeSnapshot.of(root);
    InjectionReport report =
        run(root, new ProcessorSelection(Set.of(), Set.of(OsStoreProcessor.ID)), Map.of());
    assertThat(TreeSnapshot.of(root)).isEqualTo(before);
    assertThat(report.results().getFirst())
        .isEqualTo(
            new ProcessorResult(
                OsStoreProcessor.ID,
                new Outcome.Skipped(
                    "excluded by processor filter (debian family (os-release ID debian))")));
    // the staged bundle still holds the image's roots: detection found them
    assertThat(Certificates.pem(report.files().get("ca-bundle.pem"))).hasSize(4);
  }

  @Test
  void includeFilterRunsOnlyTheNamedProcessors() throws IOException {
    InjectionReport report =
        run(
            debianWithJdk(),
            new ProcessorSelection(Set.of(JavaRuntimeProcessor.ID), Set.of()),
            Map.of());
    assertThat(report.results())
        .filteredOn(r -> r.outcome() instanceof Outcome.Applied)
        .extracting(ProcessorResult::processorId)
        .containsExactly(JavaRuntimeProcessor.ID);
  }

  @Test
  void aThrowingProcessorBecomesFailedAndTheOthersStillRun() throws IOException {
    Processor broken =
        throwing(new InjectionException("/etc/x", "frobnicate", new IOException("boom")));
    InjectionReport report =
        new Pipeline(List.of(new OsStoreProcessor(), broken), new ContentMemo())
            .run(
                new InjectionRequest(
                    RootFs.open(debianWithJdk()),
                    cas(),
                    Map.of(),
                    Set.of(),
                    ProcessorSelection.ALL,
                    false));
    assertThat(report.results().getFirst())
        .isEqualTo(
            new ProcessorResult("broken", new Outcome.Failed("/etc/x", "frobnicate /etc/x: boom")));
    assertThat(report.results().get(1).outcome()).isInstanceOf(Outcome.Applied.class);
    assertThat(status(report)).contains("\"processor\": \"broken\"", "\"path\": \"/etc/x\"");
  }
}
