// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.os.Distro;
import io.cainjekt.inject.os.DistroRoots;
import io.cainjekt.inject.os.OsStoreProcessor;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.rootfs.RootfsRefusal;
import io.cainjekt.trust.ContentMemo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile images at the pipeline level: each gives a clean outcome (Failed where the trust store
 * cannot be used, naming processor and path), never hangs, and never writes outside the root. A
 * "host" directory beside the root holds files the image points at; its snapshot must not change.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileRootTest {

  private static final String BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

  @TempDir Path tmp;
  Path root;
  Path host;
  Map<String, String> hostBefore;

  @BeforeEach
  void setUp() throws IOException {
    root = DistroRoots.build(Files.createDirectory(tmp.resolve("root")), Distro.TABLE.getFirst());
    host = Files.createDirectory(tmp.resolve("host"));
    Files.write(host.resolve("bundle.pem"), Pki.bytes("fake-public-root.crt"));
    Files.createDirectories(host.resolve("certs"));
    hostBefore = TreeSnapshot.of(host);
  }

  InjectionReport inject() throws IOException {
    return Pipeline.standard(new ContentMemo())
        .run(
            new InjectionRequest(
                RootFs.open(root),
                PipelineTest.cas(),
                Map.of(),
                Set.of(),
                ProcessorSelection.ALL,
                false));
  }

  Outcome osStore(InjectionReport report) {
    assertThat(TreeSnapshot.of(host)).as("host files").isEqualTo(hostBefore);
    assertThat(report.files()).containsKeys("ca-bundle.pem", "truststore.p12", "status.json");
    return report.results().stream()
        .filter(r -> r.processorId().equals(OsStoreProcessor.ID))
        .findFirst()
        .orElseThrow()
        .outcome();
  }

  void assertFailedUntouched(InjectionReport report, String path, RootfsRefusal refusal) {
    Map<String, String> rootAfter = TreeSnapshot.of(root);
    assertThat(osStore(report))
        .isInstanceOfSatisfying(
            Outcome.Failed.class,
            f -> {
              assertThat(f.containerPath()).isEqualTo(path);
              assertThat(f.refusal()).contains(refusal);
            });
    assertThat(report.files().get("status.json").toStringUtf8())
        .contains("\"processor\": \"os-store\"", "\"path\": \"" + path + "\"");
    assertThat(rootAfter.keySet()).noneMatch(k -> k.contains("cainjekt-"));
  }

  void replaceBundle() throws IOException {
    Files.delete(root.resolve(BUNDLE.substring(1)));
  }

  @Test
  void bundleSymlinkedToAHostPathIsResolvedInsideTheRoot() throws IOException {
    replaceBundle();
    Path hostFile = host.resolve("bundle.pem");
    Files.createSymbolicLink(root.resolve(BUNDLE.substring(1)), hostFile);
    // the same absolute path inside the root is what the container sees: that one is rewritten
    DistroRoots.write(root, hostFile.toString(), Pki.bytes("public-root-2.crt"));
    InjectionReport report = inject();
    assertThat(osStore(report)).isInstanceOf(Outcome.Applied.class);
    assertThat(Certificates.pem(root.resolve(hostFile.toString().substring(1))))
        .containsExactly(Pki.certificate("public-root-2"), Pki.certificate("corp-ca"));
  }

  @Test
  void bundleSymlinkedToAHostPathMissingInTheRootIsRefusedAsDangling() throws IOException {
    replaceBundle();
    Files.createSymbolicLink(root.resolve(BUNDLE.substring(1)), host.resolve("bundle.pem"));
    InjectionReport report = inject();
    assertFailedUntouched(report, BUNDLE, RootfsRefusal.DANGLING_SYMLINK);
    assertThat(root.resolve(host.resolve("bundle.pem").toString().substring(1))).doesNotExist();
  }

  @Test
  void relativeDotDotChainClimbingAboveTheRootIsRefused() throws IOException {
    replaceBundle();
    Files.createSymbolicLink(
        root.resolve(BUNDLE.substring(1)), Path.of("../../../../../../../../host/bundle.pem"));
    assertFailedUntouched(inject(), BUNDLE, RootfsRefusal.ESCAPE);
    assertThat(Files.exists(root.resolve("host/bundle.pem"))).isFalse();
  }

  @Test
  void certsDirectoryPointingAtProcOrTheRootIsRefusedAndWritesNothing() throws IOException {
    for (String target : new String[] {"/proc", "/", "../../../../..", "../.."}) {
      deleteTree(root.resolve("etc/ssl/certs"));
      Files.createSymbolicLink(root.resolve("etc/ssl/certs"), Path.of(target));
      Map<String, String> rootBefore = TreeSnapshot.of(root);
      InjectionReport report = inject();
      assertThat(osStore(report))
          .as(target)
          .isInstanceOfSatisfying(
              Outcome.Failed.class, f -> assertThat(f.refusal()).contains(RootfsRefusal.ESCAPE));
      assertThat(TreeSnapshot.of(root)).as(target).isEqualTo(rootBefore);
    }
  }

  @Test
  void fifoAtTheBundlePathFailsWithoutBlocking() throws Exception {
    replaceBundle();
    Process mkfifo =
        new ProcessBuilder("mkfifo", root.resolve(BUNDLE.substring(1)).toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    assertFailedUntouched(inject(), BUNDLE, RootfsRefusal.NOT_REGULAR_FILE);
  }

  @Test
  void bundleThatIsADirectoryFails() throws IOException {
    replaceBundle();
    Files.createDirectory(root.resolve(BUNDLE.substring(1)));
    assertFailedUntouched(inject(), BUNDLE, RootfsRefusal.NOT_REGULAR_FILE);
  }

  @Test
  void giantBundleFailsOnTheSizeCap() throws IOException {
    replaceBundle();
    try (RandomAccessFile f =
        new RandomAccessFile(root.resolve(BUNDLE.substring(1)).toFile(), "rw")) {
      f.setLength(1L << 30); // sparse 1 GiB
    }
    long start = System.nanoTime();
    assertFailedUntouched(inject(), BUNDLE, RootfsRefusal.OVERSIZED_FILE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void bundleSymlinkLoopFails() throws IOException {
    replaceBundle();
    Files.createSymbolicLink(root.resolve(BUNDLE.substring(1)), Path.of("loop-b"));
    Files.createSymbolicLink(root.resolve("etc/ssl/certs/loop-b"), Path.of("ca-certificates.crt"));
    assertFailedUntouched(inject(), BUNDLE, RootfsRefusal.SYMLINK_LOOP);
  }

  @Test
  void osReleaseLoopFailsCleanlyAndTheRuntimesStillRun() throws IOException {
    Files.delete(root.resolve("etc/os-release"));
    Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("/etc/os-release"));
    InjectionReport report = inject();
    assertFailedUntouched(report, "/etc/os-release", RootfsRefusal.SYMLINK_LOOP);
    assertThat(report.results()).hasSizeGreaterThan(1);
    assertThat(report.distro()).isEmpty();
  }

  @Test
  void osReleaseGarbageFallsBackToTheGenericFamily() throws IOException {
    byte[] garbage = new byte[8192];
    new java.util.Random(4).nextBytes(garbage);
    Files.write(root.resolve("etc/os-release"), garbage);
    InjectionReport report = inject();
    assertThat(osStore(report))
        .isInstanceOfSatisfying(
            Outcome.Applied.class, a -> assertThat(a.detail()).startsWith("generic:"));
    assertThat(Certificates.pem(root.resolve(BUNDLE.substring(1)))).hasSize(4);
  }

  @Test
  void giantOsReleaseFailsOnTheSizeCap() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(root.resolve("etc/os-release").toFile(), "rw")) {
      f.setLength(1L << 30);
    }
    assertFailedUntouched(inject(), "/etc/os-release", RootfsRefusal.OVERSIZED_FILE);
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isSymbolicLink(p) || !Files.isDirectory(p)) {
      Files.deleteIfExists(p);
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
