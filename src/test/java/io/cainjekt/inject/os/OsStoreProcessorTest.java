// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.Certificates;
import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.InjectionRequest;
import io.cainjekt.inject.Outcome;
import io.cainjekt.inject.Pipeline;
import io.cainjekt.inject.TreeSnapshot;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.ContentMemo;
import io.cainjekt.trust.PemBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The OS store processor on a synthetic root of every family of the Distro table. */
class OsStoreProcessorTest {

  @TempDir Path tmp;

  static Stream<Distro> families() {
    return Distro.TABLE.stream();
  }

  static PemBundle corpCa() throws Exception {
    return PemBundle.parseStrict("corp-ca.pem", Pki.bytes("corp-ca.crt"));
  }

  static InjectionReport inject(Path root, boolean dryRun) throws Exception {
    return new Pipeline(List.of(new OsStoreProcessor()), new ContentMemo())
        .run(
            new InjectionRequest(
                RootFs.open(root), corpCa(), Map.of(), Set.of(), ProcessorSelection.ALL, dryRun));
  }

  static Outcome.Applied applied(InjectionReport report) {
    assertThat(report.results()).hasSize(1);
    assertThat(report.results().getFirst().outcome()).isInstanceOf(Outcome.Applied.class);
    return (Outcome.Applied) report.results().getFirst().outcome();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void detectsTheFamilyFromOsReleaseId(Distro d) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    InjectionReport report = inject(root, true);
    assertThat(report.distro()).contains(DistroRoots.osReleaseId(d));
    assertThat(applied(report).detail()).startsWith(d.family() + ":");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void everyBundleKeepsTheImageRootsAndGainsTheCa(Distro d) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    applied(inject(root, false));
    List<X509Certificate> expected = new ArrayList<>();
    for (String name : DistroRoots.IMAGE_ROOTS) {
      expected.add(Pki.certificate(name));
    }
    expected.add(Pki.certificate("corp-ca"));
    RootFs rootFs = RootFs.open(root);
    int checked = 0;
    for (String bundle : d.bundleFiles()) {
      if (rootFs.isRegularFile(bundle)) {
        Path p = rootFs.resolve(bundle).hostPath();
        assertThat(Certificates.pem(p)).as(bundle).containsExactlyElementsOf(expected);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(d == Distro.GENERIC ? 1 : d.bundleFiles().size());
    // the bundle text of the image is kept byte for byte at the start
    byte[] merged = Files.readAllBytes(root.resolve(d.bundleFiles().getFirst().substring(1)));
    assertThat(new String(merged)).startsWith(new String(Pki.bytes("image-bundle.pem")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void anchorFileHoldsExactlyTheOneCa(Distro d) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    applied(inject(root, false));
    String hex = corpCa().certificates().getFirst().fingerprint().hex();
    if (d.anchorDir().isPresent()) {
      Path anchor = root.resolve(d.anchorDir().get().substring(1) + "/cainjekt-" + hex + ".crt");
      assertThat(Certificates.pem(anchor)).containsExactly(Pki.certificate("corp-ca"));
    } else {
      assertThat(d).isEqualTo(Distro.GENERIC);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void hashLinkTakesTheNextFreeIndexOnCollision(Distro d) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    applied(inject(root, false));
    if (d.hashedDir().isEmpty()) {
      return;
    }
    Path dir = root.resolve(d.hashedDir().get().substring(1));
    String hash = SubjectHash.of(Pki.certificate("corp-ca"));
    assertThat(Certificates.pem(dir.resolve(hash + ".0")))
        .containsExactly(Pki.certificate("corp-ca-rekeyed"));
    Path link = dir.resolve(hash + ".1");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    // one file per CA: the link points at the CA's anchor file, relative, so it reads the same
    // from the host and in the container
    Path target = Files.readSymbolicLink(link);
    assertThat(target.isAbsolute()).isFalse();
    assertThat(dir.resolve(target).normalize())
        .isEqualTo(
            root.resolve(d.anchorDir().orElseThrow().substring(1))
                .resolve(target.getFileName().toString()));
    assertThat(target.getFileName().toString()).startsWith("cainjekt-").endsWith(".crt");
    assertThat(names(dir)).noneMatch(n -> n.startsWith("cainjekt-"));
    assertThat(Certificates.pem(link)).containsExactly(Pki.certificate("corp-ca"));
  }

  /** The synthetic root of {@code d} with its hashed directory's links replaced by these. */
  private Path withHashLinks(Distro d, String... certificates) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    Path dir = root.resolve(d.hashedDir().orElseThrow().substring(1));
    for (String name : List.of("fake-public-root", "corp-ca-rekeyed")) {
      Files.delete(dir.resolve(SubjectHash.of(Pki.certificate(name)) + ".0"));
    }
    for (String name : certificates) {
      DistroRoots.write(root, d.hashedDir().get() + "/" + name + ".pem", Pki.bytes(name + ".crt"));
      DistroRoots.link(
          root,
          d.hashedDir().get() + "/" + SubjectHash.of(Pki.certificate(name)) + ".0",
          name + ".pem");
    }
    return root;
  }

  static Stream<Distro> hashedFamilies() {
    return families().filter(d -> d.hashedDir().isPresent());
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Injects into a root whose only hash link is {@code linked}'s; CorpCA must get its own. */
  private void corpCaIsLinkedBeside(Distro d, String linked) throws Exception {
    Path root = withHashLinks(d, linked);
    applied(inject(root, false));
    Path link =
        root.resolve(d.hashedDir().orElseThrow().substring(1))
            .resolve(SubjectHash.of(Pki.certificate("corp-ca")) + ".0");
    assertThat(Certificates.pem(link)).containsExactly(Pki.certificate("corp-ca"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hashedFamilies")
  void aDirectoryWithoutHashLinksGetsNone(Distro d) throws Exception {
    Path root = withHashLinks(d);
    Path dir = root.resolve(d.hashedDir().orElseThrow().substring(1));
    List<String> before = names(dir);
    applied(inject(root, false));
    assertThat(names(dir)).containsExactlyElementsOf(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hashedFamilies")
  void linksOfOtherCertificatesOnlyStillMakeAHashedDirectory(Distro d) throws Exception {
    // neither a CA's link nor the link of the bundle's first certificate: found by listing
    corpCaIsLinkedBeside(d, "public-root-3");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hashedFamilies")
  void theLinkOfTheBundlesFirstCertificateMakesAHashedDirectory(Distro d) throws Exception {
    corpCaIsLinkedBeside(d, "fake-public-root");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void distroJavaStoreGainsTheCaAndKeepsItsRoots(Distro d) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    applied(inject(root, false));
    for (String store : d.javaStores()) {
      List<X509Certificate> certs =
          Certificates.keystore(
              ByteString.copyFrom(Files.readAllBytes(root.resolve(store.substring(1)))));
      assertThat(certs)
          .as(store)
          .contains(Pki.certificate("corp-ca"))
          .contains(Pki.certificate("fake-public-root"), Pki.certificate("public-root-3"))
          .hasSize(4);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void secondRunChangesNothing(Distro d) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    assertThat(applied(inject(root, false)).changedPaths()).isNotEmpty();
    Map<String, String> before = TreeSnapshot.of(root);
    Outcome.Applied again = applied(inject(root, false));
    assertThat(again.changedPaths()).isEmpty();
    assertThat(again.detail()).contains("already present");
    assertThat(TreeSnapshot.of(root)).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void dryRunReportsTheSameChangesAndWritesNothing(Distro d) throws Exception {
    Path dryRoot = DistroRoots.build(Files.createDirectory(tmp.resolve("dry")), d);
    Path realRoot = DistroRoots.build(Files.createDirectory(tmp.resolve("real")), d);
    Map<String, String> before = TreeSnapshot.of(dryRoot);
    List<String> wouldChange = applied(inject(dryRoot, true)).changedPaths();
    assertThat(TreeSnapshot.of(dryRoot)).isEqualTo(before);
    assertThat(applied(inject(realRoot, false)).changedPaths()).isEqualTo(wouldChange);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void volumeMountedTrustStoresAreLeftAloneAndReported(Distro d) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    String primary = d.bundleFiles().getFirst();
    String volume = primary.substring(0, primary.lastIndexOf('/'));
    Map<String, String> before = TreeSnapshot.of(root.resolve(volume.substring(1)));
    InjectionReport report =
        new Pipeline(List.of(new OsStoreProcessor()), new ContentMemo())
            .run(
                new InjectionRequest(
                    RootFs.open(root),
                    corpCa(),
                    Map.of(),
                    Set.of(volume),
                    ProcessorSelection.ALL,
                    false));
    applied(report);
    assertThat(TreeSnapshot.of(root.resolve(volume.substring(1)))).isEqualTo(before);
    assertThat(report.files().get(InjectionReport.STATUS).toStringUtf8())
        .contains("\"volumeSkipped\": [")
        .contains("\"" + primary + "\"");
  }
}
