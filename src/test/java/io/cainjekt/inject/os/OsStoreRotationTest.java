// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.EnvMerger;
import io.cainjekt.inject.InjectionContext;
import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.InjectionRequest;
import io.cainjekt.inject.Ownership;
import io.cainjekt.inject.Pipeline;
import io.cainjekt.inject.TreeSnapshot;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.ContentMemo;
import io.cainjekt.trust.PemBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A second run with other CAs and the first run's ownership leaves every trust store exactly as a
 * first run with those CAs alone would have: what the first run added is taken out, nothing the
 * image ships is, on every family of the Distro table.
 */
class OsStoreRotationTest {

  @TempDir Path tmp;

  private static final Pipeline PIPELINE = Pipeline.standard(new ContentMemo());

  /**
   * Family, CAs of the first run, CAs of the second, and whether the bundle's anchors are mounted
   * in each run (a container staged before and after a restart that lost the mount, or the reverse,
   * must converge too).
   */
  static Stream<Arguments> rotations() {
    List<Arguments> all = new ArrayList<>();
    for (Distro d : Distro.TABLE) {
      all.add(Arguments.of(d, "corp-ca", "corp-ca-rekeyed", false, false));
      all.add(Arguments.of(d, "corp-ca", "corp-ca,corp-ca-rekeyed", false, false));
      all.add(Arguments.of(d, "corp-ca,corp-ca-rekeyed", "corp-ca-rekeyed", false, false));
      // fake-public-root is in the image's own bundle: rotating it out must leave it there
      all.add(Arguments.of(d, "fake-public-root,corp-ca", "corp-ca-rekeyed", false, false));
      all.add(Arguments.of(d, "corp-ca-rekeyed", "corp-ca", false, false));
      all.add(Arguments.of(d, "corp-ca", "corp-ca-rekeyed", true, true));
      all.add(Arguments.of(d, "corp-ca,corp-ca-rekeyed", "corp-ca-rekeyed", true, true));
      all.add(Arguments.of(d, "corp-ca", "corp-ca-rekeyed", false, true));
      all.add(Arguments.of(d, "corp-ca", "corp-ca-rekeyed", true, false));
    }
    return all.stream();
  }

  /** The mounts of a container with the bundle's anchors mounted, or none. */
  static Set<String> mounts(boolean anchorsMounted) {
    return anchorsMounted ? Set.of(EnvMerger.ANCHORS_PATH) : Set.of();
  }

  static PemBundle cas(String names) throws Exception {
    StringBuilder pem = new StringBuilder();
    for (String name : names.split(",")) {
      pem.append(new String(Pki.bytes(name + ".crt"), java.nio.charset.StandardCharsets.US_ASCII));
    }
    return PemBundle.parseStrict(names, pem.toString().getBytes());
  }

  static InjectionReport run(
      Path root, PemBundle cas, Ownership previous, InjectionRequest.Journal journal)
      throws Exception {
    return run(root, cas, previous, journal, false);
  }

  static InjectionReport run(
      Path root,
      PemBundle cas,
      Ownership previous,
      InjectionRequest.Journal journal,
      boolean anchorsMounted)
      throws Exception {
    return PIPELINE.run(
        new InjectionRequest(
            RootFs.open(root),
            cas,
            Map.of(),
            mounts(anchorsMounted),
            ProcessorSelection.ALL,
            false,
            previous,
            journal));
  }

  static Ownership ownership(InjectionReport report) {
    return Ownership.parse(report.files().get(InjectionReport.OWNERSHIP).toByteArray());
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}, anchors mounted {3} -> {4}")
  @MethodSource("rotations")
  void aRotatedRootEqualsARootInjectedWithTheNewCasOnly(
      Distro d, String first, String second, boolean mountedFirst, boolean mountedSecond)
      throws Exception {
    Path rotated = DistroRoots.build(tmp.resolve("rotated"), d);
    InjectionReport before =
        run(rotated, cas(first), Ownership.NONE, InjectionRequest.Journal.NONE, mountedFirst);
    InjectionReport after =
        run(rotated, cas(second), ownership(before), InjectionRequest.Journal.NONE, mountedSecond);

    Path fresh = DistroRoots.build(tmp.resolve("fresh"), d);
    InjectionReport direct =
        run(fresh, cas(second), Ownership.NONE, InjectionRequest.Journal.NONE, mountedSecond);

    assertThat(after.anyFailed()).isFalse();
    assertThat(TreeSnapshot.of(rotated)).isEqualTo(TreeSnapshot.of(fresh));
    for (String file :
        List.of(
            InjectionReport.CA_BUNDLE,
            InjectionReport.CUSTOM_CA,
            InjectionReport.TRUSTSTORE,
            InjectionReport.OWNERSHIP)) {
      assertThat(after.files().get(file)).as(file).isEqualTo(direct.files().get(file));
    }
  }

  @ParameterizedTest(name = "{0}, anchors mounted {1}")
  @MethodSource("familiesMountedOrNot")
  void aSecondRunWithTheSameCasChangesNothing(Distro d, boolean mounted) throws Exception {
    Path root = DistroRoots.build(tmp, d);
    PemBundle cas = cas("corp-ca,corp-ca-rekeyed");
    InjectionReport first = run(root, cas, Ownership.NONE, InjectionRequest.Journal.NONE, mounted);
    Map<String, String> injected = TreeSnapshot.of(root);
    List<Ownership> journaled = new ArrayList<>();
    InjectionReport again = run(root, cas, ownership(first), journaled::add, mounted);

    assertThat(TreeSnapshot.of(root)).isEqualTo(injected);
    assertThat(ownership(again)).isEqualTo(ownership(first));
    assertThat(journaled).isEmpty(); // nothing to write, nothing journaled
  }

  static Stream<Arguments> familiesMountedOrNot() {
    return Distro.TABLE.stream()
        .flatMap(d -> Stream.of(Arguments.of(d, false), Arguments.of(d, true)));
  }

  /**
   * Earlier versions gave each CA a second copy in the hashed directory, linked from there. A
   * rotation from that layout removes the copies and points the links at the anchor files: the root
   * ends up as a fresh injection's.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.cainjekt.inject.os.OsStoreProcessorTest#hashedFamilies")
  void aRootOfTheOldCopyPerCaLayoutConvergesToLinksAtTheAnchors(Distro d) throws Exception {
    Path old = DistroRoots.build(tmp.resolve("old"), d);
    InjectionReport first =
        run(old, cas("corp-ca,corp-ca-rekeyed"), Ownership.NONE, InjectionRequest.Journal.NONE);
    Ownership now = ownership(first);
    String dir = d.hashedDir().get();
    java.util.Set<String> files = new java.util.TreeSet<>(now.files());
    Map<String, String> links = new java.util.TreeMap<>(now.links());
    for (var link : now.links().entrySet()) {
      if (!link.getKey().startsWith(dir + "/")) {
        continue;
      }
      String copy = Path.of(link.getValue()).getFileName().toString().replace(".crt", ".pem");
      Path host = old.resolve(link.getKey().substring(1));
      Files.copy(host, old.resolve(dir.substring(1)).resolve(copy));
      Files.delete(host);
      Files.createSymbolicLink(host, Path.of(copy));
      files.add(dir + "/" + copy);
      links.put(link.getKey(), copy);
    }
    assertThat(files).as("the old layout has copies").hasSizeGreaterThan(now.files().size());

    InjectionReport after =
        run(
            old,
            cas("corp-ca,corp-ca-rekeyed"),
            new Ownership(now.added(), files, links),
            InjectionRequest.Journal.NONE);

    Path fresh = DistroRoots.build(tmp.resolve("fresh"), d);
    InjectionReport direct =
        run(fresh, cas("corp-ca,corp-ca-rekeyed"), Ownership.NONE, InjectionRequest.Journal.NONE);
    assertThat(after.anyFailed()).isFalse();
    assertThat(after.drifted()).isEmpty();
    assertThat(TreeSnapshot.of(old)).isEqualTo(TreeSnapshot.of(fresh));
    assertThat(ownership(after)).isEqualTo(ownership(direct));
  }

  @Test
  void theJournalHearsEveryEntryOfBothRunsBeforeTheFirstWrite() throws Exception {
    Path root = DistroRoots.build(tmp, Distro.TABLE.getFirst());
    Ownership first =
        ownership(run(root, cas("corp-ca"), Ownership.NONE, InjectionRequest.Journal.NONE));
    Path bundle = root.resolve(Distro.TABLE.getFirst().bundleFiles().getFirst().substring(1));
    String firstBundle = Files.readString(bundle);
    List<String> bundleAtJournal = new ArrayList<>();
    List<Ownership> journaled = new ArrayList<>();
    InjectionReport second =
        run(
            root,
            cas("corp-ca-rekeyed"),
            first,
            intent -> {
              journaled.add(intent);
              bundleAtJournal.add(Files.readString(bundle));
            });

    assertThat(journaled).containsExactly(first.union(ownership(second)));
    assertThat(bundleAtJournal).containsExactly(firstBundle);
    assertThat(Files.readString(bundle)).isNotEqualTo(firstBundle);
  }

  @Test
  void anAnchorOfARemovedCaTheContainerChangedIsLeftAloneAndReportedAsDrift() throws Exception {
    Distro debian = Distro.TABLE.getFirst();
    Path root = DistroRoots.build(tmp, debian);
    Ownership first =
        ownership(run(root, cas("corp-ca"), Ownership.NONE, InjectionRequest.Journal.NONE));
    String anchor =
        first.files().stream()
            .filter(f -> f.startsWith(debian.anchorDir().orElseThrow()))
            .findFirst()
            .orElseThrow();
    Path host = root.resolve(anchor.substring(1));
    Files.write(host, Pki.bytes("public-root-2.crt")); // the application put its own CA there

    InjectionReport second =
        run(root, cas("corp-ca-rekeyed"), first, InjectionRequest.Journal.NONE);

    assertThat(Files.readAllBytes(host)).isEqualTo(Pki.bytes("public-root-2.crt"));
    assertThat(second.drifted()).containsExactly(anchor + ": changed by the container; left alone");
    assertThat(second.files().get(InjectionReport.STATUS).toStringUtf8())
        .contains("\"state\": \"drifted\"");
    assertThat(second.files().get(InjectionReport.STATUS).toStringUtf8())
        .containsPattern(
            "\"drifted\": \\[\\s*\"" + anchor + ": changed by the container; left alone\"");
  }

  @Test
  void anAnchorAndBundleLinesTheContainerRemovedAreRestoredOnceAndReportedAsDrift()
      throws Exception {
    Distro debian = Distro.TABLE.getFirst();
    Path root = DistroRoots.build(tmp, debian);
    Path bundle = root.resolve(debian.bundleFiles().getFirst().substring(1));
    String image = Files.readString(bundle);
    Ownership first =
        ownership(run(root, cas("corp-ca"), Ownership.NONE, InjectionRequest.Journal.NONE));
    String anchor =
        first.files().stream()
            .filter(f -> f.startsWith(debian.anchorDir().orElseThrow()))
            .findFirst()
            .orElseThrow();
    Files.delete(root.resolve(anchor.substring(1)));
    Files.writeString(bundle, image); // the application rewrote the bundle without our CA

    InjectionReport again = run(root, cas("corp-ca"), first, InjectionRequest.Journal.NONE);

    assertThat(again.drifted())
        .containsExactlyInAnyOrder(
            anchor + ": removed by the container; written again",
            debian.bundleFiles().getFirst() + ": 1 certificates of ours removed by the container");
    assertThat(root.resolve(anchor.substring(1))).exists();
    assertThat(Files.readString(bundle))
        .isEqualTo(
            image
                + new String(Pki.bytes("corp-ca.crt"), java.nio.charset.StandardCharsets.US_ASCII));
    InjectionReport third =
        run(root, cas("corp-ca"), ownership(again), InjectionRequest.Journal.NONE);
    assertThat(third.drifted()).isEmpty();
  }

  @Test
  void aBundleTheInjectedCasGrewPastTheImageCapIsStillReadBackAtRotation() throws Exception {
    Distro debian = Distro.TABLE.getFirst();
    Path root = DistroRoots.build(tmp, debian);
    Path bundle = root.resolve(debian.bundleFiles().getFirst().substring(1));
    // the image's own bundle just under the cap: our additions take the file past it
    byte[] image = Files.readAllBytes(bundle);
    byte[] padded = new byte[(int) InjectionContext.MAX_BUNDLE_BYTES - 64];
    java.util.Arrays.fill(padded, (byte) '#');
    System.arraycopy(image, 0, padded, 0, image.length);
    padded[image.length] = '\n';
    for (int i = 1024; i < padded.length; i += 1024) {
      padded[i] = '\n';
    }
    padded[padded.length - 1] = '\n';
    Files.write(bundle, padded);
    InjectionReport first =
        run(root, cas("corp-ca,corp-ca-rekeyed"), Ownership.NONE, InjectionRequest.Journal.NONE);
    assertThat(Files.size(bundle)).isGreaterThan(InjectionContext.MAX_BUNDLE_BYTES);

    InjectionReport second =
        run(root, cas("corp-ca-rekeyed"), ownership(first), InjectionRequest.Journal.NONE);

    assertThat(second.anyFailed()).isFalse();
    assertThat(Files.readAllBytes(bundle))
        .isEqualTo(concat(padded, Pki.bytes("corp-ca-rekeyed.crt")));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
