// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.fuzz.JdkRoots;
import io.cainjekt.fuzz.Mutator;
import io.cainjekt.inject.Certificates;
import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.InjectionRequest;
import io.cainjekt.inject.Outcome;
import io.cainjekt.inject.Pipeline;
import io.cainjekt.inject.ProcessorResult;
import io.cainjekt.inject.TreeSnapshot;
import io.cainjekt.inject.os.Distro;
import io.cainjekt.inject.os.DistroRoots;
import io.cainjekt.inject.os.OsStoreProcessor;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.rootfs.RootfsRefusal;
import io.cainjekt.trust.ContentMemo;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Debian image whose JDK has a corrupt or hostile {@code cacerts}: the pipeline fails open. The
 * OS store still gets the CAs, truststore.p12 is seeded from the OS bundle and holds them, the Java
 * result is a failure naming the cacerts path (classified as a refusal where the root refused the
 * file, which the daemon counts as a rejected input), the cacerts and everything outside the root
 * are unchanged, and nothing but the documented {@code InjectionException} leaves the processor.
 */
class JavaRuntimeHostileCacertsTest {

  private static final String HOME = "/usr/lib/jvm/java-25-openjdk-amd64";
  private static final String CACERTS = HOME + "/lib/security/cacerts";
  private static final String OS_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

  @TempDir static Path shared;
  static byte[] realCacerts;
  static byte[] encryptedWithOtherPassword;
  static byte[] hugeIterations;

  @TempDir Path tmp;

  @BeforeAll
  static void stores() throws Exception {
    realCacerts = Files.readAllBytes(JdkRoots.cacerts());
    Files.write(shared.resolve("ca.pem"), Pki.bytes("corp-ca-rekeyed.crt"));
    encryptedWithOtherPassword = keytool("other.p12", "not-changeit");
    // 65536 iterations encode as 02 03 01 00 00, which becomes 5,000,000 (02 03 4c 4b 40) in place
    String slow =
        java.util.HexFormat.of()
            .formatHex(
                keytool(
                    "slow.p12",
                    "changeit",
                    "-J-Dkeystore.pkcs12.certPbeIterationCount=65536",
                    "-J-Dkeystore.pkcs12.macIterationCount=65536"));
    assertThat(slow.split("0203010000", -1)).hasSize(3);
    hugeIterations = java.util.HexFormat.of().parseHex(slow.replace("0203010000", "02034c4b40"));
  }

  /** keytool of the running JDK in its own process, importing corp-ca-rekeyed into a new PKCS12. */
  private static byte[] keytool(String file, String password, String... options) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-importcert",
                "-noprompt",
                "-storetype",
                "PKCS12",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                file,
                "-storepass",
                password));
    command.addAll(List.of(options));
    Process p =
        new ProcessBuilder(command).directory(shared.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return Files.readAllBytes(shared.resolve(file));
  }

  /** What to put at the cacerts path of a root (the host directory is outside the root). */
  interface Shape {
    void make(Path root, Path host) throws Exception;
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        hostile(
            "zero bytes",
            Optional.empty(),
            "cannot be bounded (truncated",
            (r, h) -> write(r, new byte[0])),
        hostile(
            "truncated",
            Optional.empty(),
            "as JKS (no password, then the default)",
            (r, h) -> write(r, half(realCacerts))),
        hostile(
            "bit-flipped",
            Optional.empty(),
            "as JKS (no password, then the default)",
            (r, h) -> write(r, flipped(realCacerts))),
        hostile(
            "JKS with a bad magic",
            Optional.empty(),
            "cannot be bounded (expected tag 0x30",
            (r, h) -> write(r, badMagic())),
        hostile(
            "PKCS12 with certificates encrypted under another password",
            Optional.empty(),
            "as PKCS12 (no password, then the default)",
            (r, h) -> write(r, encryptedWithOtherPassword)),
        hostile(
            "PKCS12 asking for 10,000,000 key-derivation iterations",
            Optional.empty(),
            "(MAC 5000000, encrypted contents [5000000]), over the limit of 200000",
            (r, h) -> write(r, hugeIterations)),
        hostile(
            "a directory",
            Optional.of(RootfsRefusal.NOT_REGULAR_FILE),
            "is a directory, not a regular file",
            (r, h) -> Files.createDirectories(r.resolve(CACERTS.substring(1)))),
        hostile(
            "a FIFO",
            Optional.of(RootfsRefusal.NOT_REGULAR_FILE),
            "is a fifo, not a regular file",
            (r, h) -> run("mkfifo", r.resolve(CACERTS.substring(1)).toString())),
        hostile(
            "3 MiB, over the read cap",
            Optional.of(RootfsRefusal.OVERSIZED_FILE),
            // 2 MiB for the image's own store, 4 KiB of room for the one CA injected
            "larger than the cap of 2101248 bytes",
            (r, h) -> write(r, new byte[3 << 20])));
  }

  private static Arguments hostile(
      String name, Optional<RootfsRefusal> refusal, String because, Shape shape) {
    return Arguments.of(name, refusal, because, shape);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void aBrokenCacertsFailsOnlyTheJavaProcessorAndNamesTheFile(
      String name, Optional<RootfsRefusal> refusal, String because, Shape shape) throws Exception {
    Path root = debianWithJdk(tmp);
    shape.make(root, tmp.resolve("host"));
    var before = TreeSnapshot.of(tmp.resolve("host"));
    var jdkBefore = TreeSnapshot.of(root.resolve(HOME.substring(1)));

    InjectionReport report = run(root);

    Outcome java = outcome(report, JavaRuntimeProcessor.ID);
    assertThat(java).isInstanceOf(Outcome.Failed.class);
    Outcome.Failed failed = (Outcome.Failed) java;
    assertThat(failed.containerPath()).isEqualTo(CACERTS);
    assertThat(failed.detail()).startsWith("read JDK cacerts " + CACERTS + ": ");
    assertThat(failed.refusal()).isEqualTo(refusal);
    assertThat(failed.detail()).contains(because);
    assertFailedOpen(root, report);
    assertThat(TreeSnapshot.of(tmp.resolve("host"))).isEqualTo(before);
    assertThat(TreeSnapshot.of(root.resolve(HOME.substring(1)))).isEqualTo(jdkBefore);
  }

  /** A cacerts linked to a host path (absolute or by climbing) leads nowhere inside the root. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("hostLinks")
  void aCacertsLinkedOutOfTheRootIsNeitherReadNorWritten(String name, String target)
      throws Exception {
    Path root = debianWithJdk(tmp);
    DistroRoots.link(root, CACERTS, target.replace("HOST", tmp.resolve("host").toString()));
    var before = TreeSnapshot.of(tmp.resolve("host"));

    InjectionReport report = run(root);

    assertThat(outcome(report, JavaRuntimeProcessor.ID)).isInstanceOf(Outcome.Skipped.class);
    assertFailedOpen(root, report);
    assertThat(TreeSnapshot.of(tmp.resolve("host"))).isEqualTo(before);
  }

  static Stream<Arguments> hostLinks() {
    return Stream.of(
        Arguments.of("absolute host path", "HOST/cacerts"),
        Arguments.of("climbing with ..", "../../../../../../../../../../..HOST/cacerts"));
  }

  /**
   * Seeded mutations of the running JDK's real cacerts and of keytool's PKCS12 and JKS: the Java
   * result is either a seed of certificates or a failure naming the file, never anything else.
   */
  @Test
  void mutatedRealCacertsSeedOrFailNamingTheFile() throws Exception {
    Path root = debianWithJdk(tmp);
    List<byte[]> seeds = List.of(realCacerts, Pki.bytes("cacerts.p12"), Pki.bytes("cacerts.jks"));
    int cases = Mutator.cases(60);
    int failed = 0;
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      write(root, m.mutate(m.pick(seeds)));
      InjectionReport report = run(root);
      switch (outcome(report, JavaRuntimeProcessor.ID)) {
        case Outcome.Applied applied ->
            assertThat(applied.detail()).as("case %d", i).startsWith("truststore.p12 seeded from");
        case Outcome.Failed f -> {
          failed++;
          assertThat(f.containerPath()).as("case %d", i).isEqualTo(CACERTS);
          assertThat(f.detail()).as("case %d", i).startsWith("read JDK cacerts " + CACERTS + ": ");
          assertFailedOpen(root, report);
        }
        case Outcome.Skipped s -> throw new AssertionError("case " + i + " skipped: " + s);
      }
    }
    assertThat(failed).as("mutations that break the store").isPositive();
  }

  private static Path debianWithJdk(Path tmp) throws IOException {
    Files.createDirectories(tmp.resolve("host"));
    Files.write(tmp.resolve("host/cacerts"), realCacerts);
    Path root = DistroRoots.build(tmp.resolve("root"), Distro.TABLE.getFirst());
    DistroRoots.write(root, HOME + "/bin/java", new byte[] {0x7f, 'E', 'L', 'F'});
    DistroRoots.write(root, HOME + "/release", "JAVA_VERSION=\"25.0.1\"\n".getBytes());
    Files.createDirectories(root.resolve(HOME.substring(1) + "/lib/security"));
    return root;
  }

  private static InjectionReport run(Path root) throws IOException {
    PemBundle cas = PemBundle.parseStrict("corp-ca.pem", Pki.bytes("corp-ca.crt"));
    return Pipeline.standard(new ContentMemo())
        .run(
            new InjectionRequest(
                RootFs.open(root), cas, Map.of(), Set.of(), ProcessorSelection.ALL, false));
  }

  /** The OS store got the CA and truststore.p12 holds it, seeded from the OS bundle. */
  private static void assertFailedOpen(Path root, InjectionReport report) {
    assertThat(outcome(report, OsStoreProcessor.ID)).isInstanceOf(Outcome.Applied.class);
    assertThat(Certificates.pem(root.resolve(OS_BUNDLE.substring(1))))
        .contains(Pki.certificate("corp-ca"));
    assertThat(Certificates.keystore(report.files().get(InjectionReport.TRUSTSTORE)))
        .contains(Pki.certificate("corp-ca"), Pki.certificate("fake-public-root"));
    assertThat(report.files().get(InjectionReport.STATUS).toStringUtf8())
        .contains("\"seed\": \"" + OS_BUNDLE + "\"");
  }

  private static Outcome outcome(InjectionReport report, String id) {
    return report.results().stream()
        .filter(r -> r.processorId().equals(id))
        .map(ProcessorResult::outcome)
        .findFirst()
        .orElseThrow();
  }

  private static void write(Path root, byte[] content) throws IOException {
    DistroRoots.write(root, CACERTS, content);
  }

  private static byte[] half(byte[] store) {
    return java.util.Arrays.copyOf(store, store.length / 2);
  }

  private static byte[] flipped(byte[] store) {
    byte[] out = store.clone();
    for (int i = 64; i < out.length; i += 997) {
      out[i] ^= 0x10;
    }
    return out;
  }

  private static byte[] badMagic() {
    byte[] jks = Pki.bytes("cacerts.jks");
    jks[3] ^= 0x01; // feedfeed -> feedfeec: neither JKS nor a DER SEQUENCE
    return jks;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
