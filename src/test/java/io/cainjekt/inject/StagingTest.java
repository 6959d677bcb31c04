// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cainjekt.trust.Fingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StagingTest {

  private static final ByteString BUNDLE = ByteString.copyFromUtf8("bundle-v1\n");
  private static final ByteString BUNDLE_V2 = ByteString.copyFromUtf8("bundle-v2, longer\n");
  private static final String ID_A = "a".repeat(64);
  private static final String ID_B = "b".repeat(64);

  @TempDir Path root;

  private static Object inode(Path p) throws IOException {
    return Files.readAttributes(p, "unix:ino").get("ino");
  }

  private long blobCount() throws IOException {
    try (Stream<Path> s = Files.list(root.resolve("blobs"))) {
      return s.count();
    }
  }

  @Test
  void identicalContentOfManyContainersIsOneInode() throws IOException {
    try (Staging staging = Staging.open(root)) {
      for (int i = 0; i < 300; i++) {
        staging.prepare("c" + i, Map.of(Staging.CA_BUNDLE, BUNDLE));
      }
      Path first = staging.directory("c0").resolve(Staging.CA_BUNDLE);
      Path last = staging.directory("c299").resolve(Staging.CA_BUNDLE);
      assertThat(inode(last)).isEqualTo(inode(first));
      assertThat(BlobStore.linkCount(first)).isEqualTo(301);
      assertThat(staging.stagedBytes()).isEqualTo(BUNDLE.size());
      assertThat(blobCount()).isEqualTo(1);
      assertThat(staging.containerIds()).hasSize(300);
    }
  }

  @Test
  void directoriesAre0755AndFiles0644WhateverTheUmask() throws IOException {
    try (Staging staging = Staging.open(root)) {
      Path dir =
          staging.prepare(ID_A, Map.of(Staging.CA_BUNDLE, BUNDLE, Staging.STATUS, BUNDLE_V2));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwxr-xr-x");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
          .isEqualTo("rwxr-xr-x");
      for (String name : List.of(Staging.CA_BUNDLE, Staging.STATUS)) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
            .isEqualTo("rw-r--r--");
      }
      assertThat(dir).isEqualTo(root.resolve("containers").resolve(ID_A));
    }
  }

  @Test
  void replaceSwapsTheFileAndCollectsTheUnusedBlob() throws IOException {
    try (Staging staging = Staging.open(root)) {
      staging.prepare(ID_A, Map.of(Staging.CA_BUNDLE, BUNDLE));
      staging.prepare(ID_B, Map.of(Staging.CA_BUNDLE, BUNDLE));
      staging.replace(ID_A, Map.of(Staging.CA_BUNDLE, BUNDLE_V2));
      assertThat(staging.directory(ID_A).resolve(Staging.CA_BUNDLE))
          .hasBinaryContent(BUNDLE_V2.toByteArray());
      assertThat(blobCount()).as("v1 still used by B").isEqualTo(2);
      staging.replace(ID_B, Map.of(Staging.CA_BUNDLE, BUNDLE_V2));
      assertThat(blobCount()).isEqualTo(1);
      assertThat(staging.stagedBytes()).isEqualTo(BUNDLE_V2.size());
    }
  }

  @Test
  void prepareKeepsFilesItDoesNotName() throws IOException {
    try (Staging staging = Staging.open(root)) {
      staging.prepare(ID_A, Map.of(Staging.CA_BUNDLE, BUNDLE));
      Path dir = staging.prepare(ID_A, Map.of(Staging.STATUS, BUNDLE_V2));
      assertThat(dir.resolve(Staging.CA_BUNDLE)).hasBinaryContent(BUNDLE.toByteArray());
      assertThat(dir.resolve(Staging.STATUS)).hasBinaryContent(BUNDLE_V2.toByteArray());
    }
  }

  @Test
  void replaceOfAContainerNeverPreparedFails() throws IOException {
    try (Staging staging = Staging.open(root)) {
      assertThatThrownBy(() -> staging.replace(ID_A, Map.of(Staging.CA_BUNDLE, BUNDLE)))
          .isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("not staged");
      assertThat(staging.directory(ID_A)).doesNotExist();
      assertThat(blobCount()).isZero();
    }
  }

  @Test
  void releaseDeletesTheDirectoryAndOnlyUnsharedBlobs() throws IOException {
    try (Staging staging = Staging.open(root)) {
      staging.prepare(ID_A, Map.of(Staging.CA_BUNDLE, BUNDLE, Staging.STATUS, BUNDLE_V2));
      staging.prepare(ID_B, Map.of(Staging.CA_BUNDLE, BUNDLE));
      staging.release(ID_A);
      assertThat(staging.directory(ID_A)).doesNotExist();
      assertThat(staging.directory(ID_B).resolve(Staging.CA_BUNDLE))
          .hasBinaryContent(BUNDLE.toByteArray());
      assertThat(blobCount()).isEqualTo(1);
      assertThat(staging.containerIds()).containsExactly(ID_B);
      staging.release(ID_A); // twice: no-op
      staging.release(ID_B);
      assertThat(blobCount()).isZero();
      assertThat(staging.stagedBytes()).isZero();
    }
  }

  @Test
  void keptFilesOutliveTheirLastContainerAndAreLinkedAgain() throws IOException {
    Map<String, ByteString> defaults = Map.of(Staging.CA_BUNDLE, BUNDLE, Staging.STATUS, BUNDLE_V2);
    try (Staging staging = Staging.open(root)) {
      staging.keep("default", defaults);
      staging.prepare(ID_A, defaults);
      Object blob = inode(staging.directory(ID_A).resolve(Staging.CA_BUNDLE));
      staging.release(ID_A);

      assertThat(blobCount()).isEqualTo(2);
      assertThat(staging.stagedBytes()).isEqualTo(BUNDLE.size() + BUNDLE_V2.size());
      staging.prepare(ID_B, defaults);
      assertThat(inode(staging.directory(ID_B).resolve(Staging.CA_BUNDLE)))
          .as("linked, not written again")
          .isEqualTo(blob);
    }
  }

  @Test
  void filesKeptInsteadInTheSameSlotReplaceTheOldOnesOnceUnused() throws IOException {
    Map<String, ByteString> v1 = Map.of(Staging.CA_BUNDLE, BUNDLE);
    Map<String, ByteString> v2 = Map.of(Staging.CA_BUNDLE, BUNDLE_V2);
    ByteString other = ByteString.copyFromUtf8("other bundle\n");
    try (Staging staging = Staging.open(root)) {
      staging.keep("default", v1);
      staging.keep("tenant", Map.of(Staging.CA_BUNDLE, other));
      staging.prepare(ID_A, v1);
      staging.prepare("t".repeat(64), Map.of(Staging.CA_BUNDLE, other));
      staging.release("t".repeat(64));

      staging.keep("default", v2);
      assertThat(staging.stagedBytes())
          .as("v1 stays while a container links it; the other slot's file stays kept")
          .isEqualTo(BUNDLE.size() + other.size());
      staging.release(ID_A);
      assertThat(staging.stagedBytes()).isEqualTo(other.size());

      staging.prepare(ID_B, v1);
      staging.release(ID_B);
      assertThat(staging.stagedBytes()).as("v1 is no longer kept").isEqualTo(other.size());
    }
  }

  @Test
  void aRestartKeepsNothingUntilAskedAgain() throws IOException {
    Map<String, ByteString> defaults = Map.of(Staging.CA_BUNDLE, BUNDLE);
    try (Staging staging = Staging.open(root)) {
      staging.keep("default", defaults);
      staging.prepare(ID_A, defaults);
      staging.release(ID_A);
      assertThat(blobCount()).isEqualTo(1);
    }
    try (Staging reopened = Staging.open(root)) {
      assertThat(blobCount()).isZero();
      assertThat(reopened.stagedBytes()).isZero();
    }
  }

  @Test
  void retainOnlyAfterRestartRemovesOrphansAndNeverALiveContainer() throws IOException {
    try (Staging staging = Staging.open(root)) {
      staging.prepare(ID_A, Map.of(Staging.CA_BUNDLE, BUNDLE));
      staging.prepare(ID_B, Map.of(Staging.CA_BUNDLE, BUNDLE_V2));
      staging.prepare("gone", Map.of(Staging.CA_BUNDLE, BUNDLE_V2));
    }
    Object liveInode = inode(root.resolve("containers").resolve(ID_A).resolve(Staging.CA_BUNDLE));
    try (Staging restarted = Staging.open(root)) {
      assertThat(restarted.containerIds()).containsExactlyInAnyOrder(ID_A, ID_B, "gone");
      assertThat(restarted.stagedBytes()).isEqualTo(BUNDLE.size() + BUNDLE_V2.size());
      restarted.retainOnly(Set.of(ID_A, "not-staged", "../hostile"));
      assertThat(restarted.containerIds()).containsExactly(ID_A);
      Path live = restarted.directory(ID_A).resolve(Staging.CA_BUNDLE);
      assertThat(inode(live)).isEqualTo(liveInode);
      assertThat(live).hasBinaryContent(BUNDLE.toByteArray());
      assertThat(restarted.directory("gone")).doesNotExist();
      assertThat(blobCount()).isEqualTo(1);
      assertThat(restarted.stagedBytes()).isEqualTo(BUNDLE.size());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "..",
        "../x",
        "a/b",
        "/abs",
        ".hidden",
        "a..b",
        "a\u0000b",
        "a b",
        "caf\u00e9",
        "a\nb",
        "x\\y"
      })
  void hostileContainerIdIsRejectedBeforeAnyFileIsTouched(String id) throws IOException {
    try (Staging staging = Staging.open(root)) {
      assertThatThrownBy(() -> staging.prepare(id, Map.of(Staging.CA_BUNDLE, BUNDLE)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a safe directory name");
      assertThatThrownBy(() -> staging.release(id)).isInstanceOf(IllegalArgumentException.class);
      try (Stream<Path> s = Files.list(root.resolve("containers"))) {
        assertThat(s).isEmpty();
      }
    }
  }

  @Test
  void overlongContainerIdIsRejected() throws IOException {
    try (Staging staging = Staging.open(root)) {
      String id = "a".repeat(Staging.MAX_ID_CHARS + 1);
      assertThatThrownBy(() -> staging.prepare(id, Map.of()))
          .isInstanceOf(IllegalArgumentException.class);
      staging.prepare("a".repeat(Staging.MAX_ID_CHARS), Map.of());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "sub/file", ".tmp-x", "..", ""})
  void hostileFileNameIsRejected(String name) throws IOException {
    try (Staging staging = Staging.open(root)) {
      assertThatThrownBy(() -> staging.prepare(ID_A, Map.of(name, BUNDLE)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a plain name");
      assertThat(blobCount()).isZero();
    }
  }

  @Test
  void crashLeftoversAreCleanedAtOpenAndStagedFilesKept() throws IOException {
    try (Staging staging = Staging.open(root)) {
      staging.prepare(ID_A, Map.of(Staging.CA_BUNDLE, BUNDLE));
    }
    Path blobs = root.resolve("blobs");
    Path dir = root.resolve("containers").resolve(ID_A);
    Files.write(blobs.resolve(".tmp-crashed"), BUNDLE_V2.toByteArray());
    Files.write(
        blobs.resolve(Fingerprint.of(BUNDLE_V2).hex()),
        BUNDLE_V2.toByteArray()); // published, never linked
    Files.createLink(dir.resolve(".tmp-" + Staging.STATUS), blobs.resolve(".tmp-crashed"));
    try (Staging reopened = Staging.open(root)) {
      try (Stream<Path> s = Files.list(blobs)) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .containsExactly(Fingerprint.of(BUNDLE).hex());
      }
      try (Stream<Path> s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder(Staging.CA_BUNDLE, Staging.ANCHORS);
      }
      assertThat(reopened.stagedBytes()).isEqualTo(BUNDLE.size());
      assertThat(reopened.containerIds()).containsExactly(ID_A);
    }
  }

  @Test
  void closedStagingRefusesWrites() throws IOException {
    Staging staging = Staging.open(root);
    staging.close();
    assertThatThrownBy(() -> staging.prepare(ID_A, Map.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aBundlesAnchorsChangeInPlaceSoThatMountedCopiesSeeTheNewSet() throws IOException {
    try (Staging staging = Staging.open(root)) {
      Path dir =
          staging.anchors("corp", Map.of("cainjekt-a.crt", BUNDLE, "cainjekt-b.crt", BUNDLE));
      Object inode = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
      assertThat(dir).isEqualTo(root.resolve("anchors/corp"));

      staging.anchors("corp", Map.of("cainjekt-b.crt", BUNDLE, "cainjekt-c.crt", BUNDLE_V2));

      try (Stream<Path> s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder("cainjekt-b.crt", "cainjekt-c.crt");
      }
      assertThat(dir.resolve("cainjekt-c.crt")).hasBinaryContent(BUNDLE_V2.toByteArray());
      assertThat(Files.getPosixFilePermissions(dir.resolve("cainjekt-c.crt")))
          .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
      assertThat(Files.readAttributes(dir, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
    }
  }

  @Test
  void aBundleNameThatIsNoPlainFileNameGetsTheDirectoryOfItsHash() throws IOException {
    try (Staging staging = Staging.open(root)) {
      Path dir = staging.anchors("../etc", Map.of("cainjekt-a.crt", BUNDLE));
      assertThat(dir.getParent()).isEqualTo(root.resolve("anchors"));
      assertThat(dir.getFileName().toString()).matches("[0-9a-f]{64}");
      assertThatThrownBy(() -> staging.anchors("corp", Map.of("../x.crt", BUNDLE)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aPreparedContainerHasTheEmptyMountPointOfTheAnchors() throws IOException {
    try (Staging staging = Staging.open(root)) {
      Path dir = staging.prepare(ID_A, Map.of(Staging.CA_BUNDLE, BUNDLE));
      assertThat(dir.resolve(Staging.ANCHORS)).isEmptyDirectory();
      staging.release(ID_A);
      assertThat(dir).doesNotExist();
    }
  }
}
