// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RootFs#applyAll}: a replay's changes with runs of links in one directory, made as {@link
 * RootFs#apply} of each in order would make them.
 */
class RootFsApplyAllTest {

  private static final Set<PosixFilePermission> MODE_644 =
      PosixFilePermissions.fromString("rw-r--r--");

  @TempDir Path tmp;

  private Path newRoot(String name) throws IOException {
    Path root = Files.createDirectories(tmp.resolve(name));
    Files.createDirectories(root.resolve("etc/ssl/certs"));
    Files.writeString(root.resolve("etc/ssl/certs/ca-certificates.crt"), "bundle", UTF_8);
    Files.writeString(root.resolve("etc/ssl/old.pem"), "old", UTF_8);
    Files.createDirectories(root.resolve("var/real"));
    return root;
  }

  private static RootChange.Symlink hashLink(int i) {
    return new RootChange.Symlink(
        "/etc/ssl/certs/%08x.0".formatted(i),
        "../../../usr/local/share/ca-certificates/ca" + i + ".crt");
  }

  private static RootChange.Write write(String path, String content) {
    return new RootChange.Write(path, ByteString.copyFromUtf8(content), MODE_644);
  }

  /**
   * A replay of a large bundle: directories, a removal, files, a run of hash links, then links in
   * other directories, a link through which a file is written, and links in the first directory
   * again.
   */
  private static List<RootChange> plan() {
    List<RootChange> changes = new ArrayList<>();
    changes.add(new RootChange.Directories("/usr/local/share/ca-certificates"));
    changes.add(new RootChange.Delete("/etc/ssl/old.pem"));
    changes.add(write("/etc/ssl/certs/ca-certificates.crt", "merged"));
    for (int i = 0; i < 100; i++) {
      changes.add(write("/usr/local/share/ca-certificates/ca" + i + ".crt", "ca " + i));
    }
    for (int i = 0; i < 90; i++) {
      changes.add(hashLink(i));
    }
    changes.add(new RootChange.Symlink("/usr/local/share/ca-certificates/cainjekt", "/x"));
    changes.add(new RootChange.Symlink("/etc/linked", "/var/real"));
    changes.add(write("/etc/linked/file", "through"));
    for (int i = 90; i < 100; i++) {
      changes.add(hashLink(i));
    }
    return changes;
  }

  /** Every entry below {@code root}: path, kind, and content or link target. */
  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      List<String> entries = new ArrayList<>();
      for (Path p : all.sorted().toList()) {
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          entries.add(rel + " -> " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p)) {
          entries.add(rel + " = " + Files.readString(p));
        } else {
          entries.add(rel + "/");
        }
      }
      return entries;
    }
  }

  @Test
  void aReplaysChangesGiveTheTreeThatApplyingEachInOrderGives() throws IOException {
    List<RootChange> plan = plan();
    Path eachRoot = newRoot("each");
    try (RootFs root = RootFs.openForInjection(eachRoot)) {
      for (RootChange change : plan) {
        root.apply(change);
      }
    }
    Path allRoot = newRoot("all");
    try (RootFs root = RootFs.openForInjection(allRoot)) {
      root.applyAll(plan);
    }
    Path plainRoot = newRoot("plain");
    RootFs.open(plainRoot).applyAll(plan);

    assertThat(tree(allRoot)).isEqualTo(tree(eachRoot)).isEqualTo(tree(plainRoot));
    // 4 directories, 100 files, 102 links, 1 file through a link, 1 removed
    assertThat(tree(allRoot)).hasSize(tree(newRoot("empty")).size() + 206);
    assertThat(allRoot.resolve("etc/ssl/certs/0000002f.0")).hasContent("ca 47");
    assertThat(allRoot.resolve("etc/ssl/certs/00000063.0")).hasContent("ca 99");
    assertThat(allRoot.resolve("var/real/file")).hasContent("through");
    assertThat(allRoot.resolve("etc/ssl/old.pem")).doesNotExist();
  }

  @Test
  void aLinkTheRootRefusesStopsTheRunThereAndNothingAfterItIsMade() throws IOException {
    List<RootChange> plan = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      plan.add(hashLink(i));
    }
    plan.add(write("/etc/ssl/certs/ca-certificates.crt", "merged"));
    Path dir = newRoot("taken");
    Files.createDirectories(dir.resolve("etc/ssl/certs/0000000a.0")); // the 11th link's name

    try (RootFs root = RootFs.openForInjection(dir)) {
      assertThatThrownBy(() -> root.applyAll(plan))
          .isInstanceOf(FileAlreadyExistsException.class)
          .hasMessageContaining("/etc/ssl/certs/0000000a.0");
    }
    assertThat(dir.resolve("etc/ssl/certs/00000009.0")).isSymbolicLink();
    assertThat(dir.resolve("etc/ssl/certs/0000000b.0")).doesNotExist();
    assertThat(dir.resolve("etc/ssl/certs/ca-certificates.crt")).hasContent("bundle");
  }

  @Test
  void aRunOfLinksInAMissingDirectoryFailsWithTheFirstLinksPath() throws IOException {
    List<RootChange> plan =
        List.of(
            new RootChange.Symlink("/etc/pki/tls/certs/a.0", "x"),
            new RootChange.Symlink("/etc/pki/tls/certs/b.0", "y"));
    Path dir = newRoot("missing");
    try (RootFs root = RootFs.openForInjection(dir)) {
      assertThatThrownBy(() -> root.applyAll(plan))
          .isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("/etc/pki/tls/certs/a.0");
    }
  }

  @Test
  void aLinkWithoutANameIsRefusedBeforeAnythingOfItsRunIsMade() throws IOException {
    List<RootChange> plan =
        List.of(hashLink(0), new RootChange.Symlink("/etc/ssl/certs/..", "x"), hashLink(1));
    Path dir = newRoot("no-name");
    try (RootFs root = RootFs.openForInjection(dir)) {
      assertThatThrownBy(() -> root.applyAll(plan)).isInstanceOf(RootfsEscapeException.class);
    }
    assertThat(dir.resolve("etc/ssl/certs/00000000.0")).isSymbolicLink();
    assertThat(dir.resolve("etc/ssl/certs/00000001.0")).doesNotExist();
  }
}
