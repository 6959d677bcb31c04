// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.EnvMerger;
import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.InjectionRequest;
import io.cainjekt.inject.Ownership;
import io.cainjekt.trust.Fingerprint;
import io.cainjekt.trust.PemBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With the bundle's anchors mounted at /etc/cainjekt/anchors, a Debian image gets one link to them
 * in its anchor directory instead of one file per CA, and its hash links point into the mount; the
 * other families, whose rebuild does not read subdirectories, keep one file per CA.
 */
class MountedAnchorsTest {

  @TempDir Path tmp;

  private static final Distro DEBIAN = Distro.TABLE.getFirst();
  private static final String LINK = "/usr/local/share/ca-certificates/cainjekt";

  static PemBundle twoCas() throws Exception {
    return OsStoreRotationTest.cas("corp-ca,corp-ca-rekeyed");
  }

  static InjectionReport mounted(Path root, PemBundle cas) throws Exception {
    return OsStoreRotationTest.run(root, cas, Ownership.NONE, InjectionRequest.Journal.NONE, true);
  }

  static String fingerprint(String ca) throws Exception {
    return Fingerprint.of(Pki.certificate(ca).getEncoded()).hex();
  }

  static Stream<Distro> otherFamiliesWithAnchors() {
    return Distro.TABLE.stream().filter(d -> d != DEBIAN && d.anchorDir().isPresent());
  }

  @Test
  void debianLinksTheMountedAnchorsAndNoFilePerCa() throws Exception {
    Path root = DistroRoots.build(tmp, DEBIAN);
    PemBundle cas = twoCas();
    InjectionReport report = mounted(root, cas);

    assertThat(report.anyFailed()).isFalse();
    Path anchorDir = root.resolve("usr/local/share/ca-certificates");
    try (Stream<Path> entries = Files.list(anchorDir)) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("cainjekt");
    }
    assertThat(Files.readSymbolicLink(anchorDir.resolve("cainjekt")))
        .isEqualTo(Path.of(EnvMerger.ANCHORS_PATH));
    String hex = fingerprint("corp-ca");
    String hash = SubjectHash.of(Pki.certificate("corp-ca"));
    // .0 is the image's corp-ca-rekeyed (same subject): corp-ca takes .1
    assertThat(Files.readSymbolicLink(root.resolve("etc/ssl/certs/" + hash + ".1")))
        .isEqualTo(Path.of(EnvMerger.ANCHORS_PATH, "cainjekt-" + hex.substring(0, 20) + ".crt"));
    // 55 characters: an ext4 fast symlink, held in the inode
    assertThat(EnvMerger.ANCHORS_PATH + "/cainjekt-" + hex.substring(0, 20) + ".crt").hasSize(55);
    Ownership owned = OsStoreRotationTest.ownership(report);
    assertThat(owned.links()).containsEntry(LINK, EnvMerger.ANCHORS_PATH);
    assertThat(owned.files()).isEmpty();
  }

  @Test
  void theMountedAnchorsHoldWhatTheFilesPerCaWouldHold() throws Exception {
    Path root = DistroRoots.build(tmp, DEBIAN);
    PemBundle cas = twoCas();
    OsStoreRotationTest.run(root, cas, Ownership.NONE, InjectionRequest.Journal.NONE, false);
    Path anchorDir = root.resolve("usr/local/share/ca-certificates");
    var staged = OsStoreProcessor.anchorFiles(cas);
    assertThat(staged).hasSize(2);
    for (var ca : cas.certificates()) {
      String hex = ca.fingerprint().hex();
      assertThat(anchorDir.resolve("cainjekt-" + hex + ".crt"))
          .hasBinaryContent(staged.get("cainjekt-" + hex.substring(0, 20) + ".crt").toByteArray());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherFamiliesWithAnchors")
  void otherFamiliesKeepOneFilePerCa(Distro d) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    mounted(root, twoCas());
    Path anchorDir = root.resolve(d.anchorDir().orElseThrow().substring(1));
    try (Stream<Path> entries = Files.list(anchorDir)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "cainjekt-" + fingerprint("corp-ca") + ".crt",
              "cainjekt-" + fingerprint("corp-ca-rekeyed") + ".crt");
    }
  }

  @Test
  void anEntryOfTheImageWithTheLinksNameKeepsOneFilePerCa() throws Exception {
    Path root = DistroRoots.build(tmp, DEBIAN);
    DistroRoots.write(root, LINK + "/image-ca.crt", Pki.bytes("public-root-2.crt"));
    InjectionReport report = mounted(root, twoCas());

    assertThat(report.anyFailed()).isFalse();
    assertThat(root.resolve(LINK.substring(1) + "/image-ca.crt"))
        .hasBinaryContent(Pki.bytes("public-root-2.crt"));
    assertThat(
            root.resolve(
                "usr/local/share/ca-certificates/cainjekt-" + fingerprint("corp-ca") + ".crt"))
        .isRegularFile();
    assertThat(report.files().get(InjectionReport.STATUS).toStringUtf8())
        .contains(LINK + " exists and is not ours");
  }

  @Test
  void aLinkTheContainerRemovedIsMadeAgainAndReportedAsDrift() throws Exception {
    Path root = DistroRoots.build(tmp, DEBIAN);
    PemBundle cas = twoCas();
    Ownership first = OsStoreRotationTest.ownership(mounted(root, cas));
    Files.delete(root.resolve(LINK.substring(1)));

    InjectionReport again =
        OsStoreRotationTest.run(root, cas, first, InjectionRequest.Journal.NONE, true);

    assertThat(Files.readSymbolicLink(root.resolve(LINK.substring(1))))
        .isEqualTo(Path.of(EnvMerger.ANCHORS_PATH));
    assertThat(again.drifted()).singleElement().asString().contains(LINK);
    assertThat(List.copyOf(OsStoreRotationTest.ownership(again).links().keySet())).contains(LINK);
  }
}
