// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new link of a root opened for one injection is one {@code symlinkat} on a directory descriptor
 * opened with {@code openat2} confined to the root: the link holds the exact target, a taken name
 * goes the JDK's way (a symlink replaced, anything else refused), a directory swapped for a symlink
 * or a ".." never leads out of the root, and every descriptor is closed with the root.
 */
class NativeDirsTest {

  private static final List<String> CERTS = List.of("etc", "ssl", "certs");

  @TempDir Path tmp;
  private Path root;
  private Path certs;
  private Path outside;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    certs = Files.createDirectories(root.resolve("etc/ssl/certs"));
    Files.writeString(certs.resolve("corp ca.pem"), "ca", UTF_8);
  }

  @Test
  void aNewLinkIsMadeInOneCallWithTheExactTarget() throws IOException {
    try (NativeDirs dirs = NativeDirs.keptOpen(root)) {
      assertThat(dirs.symlink(CERTS, "abcd1234.0", "/etc/ssl/certs/abcd1234.0", "corp ca.pem"))
          .isEqualTo(NativeDirs.Result.CREATED);
      assertThat(dirs.symlink(List.of(), "top", "/top", "../etc/./ssl//x"))
          .isEqualTo(NativeDirs.Result.CREATED);
    }
    assertThat(Files.readSymbolicLink(certs.resolve("abcd1234.0"))).hasToString("corp ca.pem");
    assertThat(Files.readSymbolicLink(root.resolve("top"))).hasToString("../etc/./ssl//x");
  }

  @Test
  void aTakenNameIsLeftAsItIs() throws IOException {
    Files.createSymbolicLink(certs.resolve("abcd1234.0"), Path.of("old.pem"));
    try (NativeDirs dirs = NativeDirs.keptOpen(root)) {
      assertThat(dirs.symlink(CERTS, "abcd1234.0", "/etc/ssl/certs/abcd1234.0", "new.pem"))
          .isEqualTo(NativeDirs.Result.NAME_TAKEN);
      assertThat(dirs.symlink(CERTS, "corp ca.pem", "/etc/ssl/certs/corp ca.pem", "new.pem"))
          .isEqualTo(NativeDirs.Result.NAME_TAKEN);
    }
    assertThat(Files.readSymbolicLink(certs.resolve("abcd1234.0"))).hasToString("old.pem");
    assertThat(certs.resolve("corp ca.pem")).hasContent("ca");
  }

  @Test
  void aRootFsReplacesAnExistingLinkAndRefusesARegularFileAsBefore() throws IOException {
    Files.createSymbolicLink(certs.resolve("abcd1234.0"), Path.of("old.pem"));
    try (RootFs rootFs = RootFs.openForInjection(root)) {
      RootChangeLog log = RootChangeLog.of(rootFs);
      log.symlink("/etc/ssl/certs/abcd1234.0", "corp ca.pem");
      log.symlink("/etc/ssl/certs/beef0000.0", "corp ca.pem");
      assertThatThrownBy(() -> log.symlink("/etc/ssl/certs/corp ca.pem", "x"))
          .isInstanceOf(FileAlreadyExistsException.class);
      assertThat(log.changes())
          .containsExactly(
              new RootChange.Symlink("/etc/ssl/certs/abcd1234.0", "corp ca.pem"),
              new RootChange.Symlink("/etc/ssl/certs/beef0000.0", "corp ca.pem"));
    }
    assertThat(Files.readSymbolicLink(certs.resolve("abcd1234.0"))).hasToString("corp ca.pem");
    assertThat(Files.readSymbolicLink(certs.resolve("beef0000.0"))).hasToString("corp ca.pem");
    assertThat(certs.resolve("corp ca.pem")).hasContent("ca");
    assertThat(onlyNames(certs))
        .containsExactlyInAnyOrder("abcd1234.0", "beef0000.0", "corp ca.pem");
  }

  @Test
  void aDirectorySwappedForASymlinkToTheHostIsRefusedAndNothingIsMadeOutside() throws IOException {
    Files.move(certs, root.resolve("etc/ssl/moved"));
    Files.createSymbolicLink(certs, outside); // absolute: would lead out of the root if followed

    try (NativeDirs dirs = NativeDirs.keptOpen(root)) {
      assertThatThrownBy(() -> dirs.symlink(CERTS, "abcd1234.0", "/etc/ssl/certs/abcd1234.0", "x"))
          .isInstanceOf(RootfsEscapeException.class)
          .hasMessageContaining("/etc/ssl/certs/abcd1234.0")
          .hasMessageContaining("ELOOP");
    }
    assertThat(onlyNames(outside)).isEmpty();
  }

  @Test
  void aSwapAfterTheRootFsResolvedThePathIsRefusedAndNothingIsMadeOutside() throws IOException {
    try (RootFs rootFs = RootFs.openForInjection(root)) {
      RootChangeLog log = RootChangeLog.of(rootFs);
      assertThat(rootFs.isDirectory("/etc/ssl/certs")).isTrue(); // remembered from now on
      Files.move(certs, root.resolve("etc/ssl/moved"));
      Files.createSymbolicLink(root.resolve("etc/ssl/certs"), outside);

      assertThatThrownBy(() -> log.symlink("/etc/ssl/certs/abcd1234.0", "corp ca.pem"))
          .isInstanceOf(RootfsEscapeException.class)
          .hasMessageContaining("replaced");
      assertThat(log.changes()).isEmpty();
    }
    assertThat(onlyNames(outside)).isEmpty();
  }

  @Test
  void dotDotStaysInsideTheRoot() throws IOException {
    // tmp/outside exists, root/outside does not: ".." at the root is the root itself
    try (NativeDirs dirs = NativeDirs.keptOpen(root)) {
      assertThatThrownBy(() -> dirs.symlink(List.of("..", "outside"), "link", "/link", "x"))
          .isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("ENOENT");
    }
    assertThat(onlyNames(outside)).isEmpty();
  }

  @Test
  void aMissingOrNonDirectoryParentIsNamed() throws IOException {
    try (NativeDirs dirs = NativeDirs.keptOpen(root)) {
      assertThatThrownBy(() -> dirs.symlink(List.of("etc", "pki"), "a.0", "/etc/pki/a.0", "x"))
          .isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("/etc/pki/a.0");
      List<String> file = List.of("etc", "ssl", "certs", "corp ca.pem");
      assertThatThrownBy(() -> dirs.symlink(file, "a.0", "/etc/ssl/certs/corp ca.pem/a.0", "x"))
          .isInstanceOf(NotDirectoryException.class)
          .hasMessageContaining("/etc/ssl/certs/corp ca.pem/a.0");
    }
  }

  @Test
  void aNameThatIsNotAsciiGoesTheJdksWay() throws IOException {
    try (NativeDirs dirs = NativeDirs.keptOpen(root)) {
      assertThat(dirs.symlink(CERTS, "a.0", "/etc/ssl/certs/a.0", "zertifikat-\u00e4.pem"))
          .isEqualTo(NativeDirs.Result.UNAVAILABLE);
      assertThat(dirs.symlink(CERTS, "\u00e4.0", "/etc/ssl/certs/\u00e4.0", "x"))
          .isEqualTo(NativeDirs.Result.UNAVAILABLE);
    }
    assertThat(onlyNames(certs)).containsExactly("corp ca.pem");
  }

  @Test
  void aDisabledOrClosedObjectMakesNothing() throws IOException {
    NativeDirs dirs = NativeDirs.keptOpen(root);
    dirs.close();
    assertThat(dirs.symlink(CERTS, "a.0", "/etc/ssl/certs/a.0", "x"))
        .isEqualTo(NativeDirs.Result.UNAVAILABLE);
    try (NativeDirs disabled = NativeDirs.disabled(root)) {
      assertThat(disabled.symlink(CERTS, "a.0", "/etc/ssl/certs/a.0", "x"))
          .isEqualTo(NativeDirs.Result.UNAVAILABLE);
    }
    assertThat(certs.resolve("a.0")).doesNotExist();
  }

  @Test
  void withoutSymlinkatLinksAreMadeAndReplacedTheJdksWay() throws IOException {
    try (RootFs rootFs = RootFs.openForInjection(root, false)) {
      rootFs.symlink("/etc/ssl/certs/abcd1234.0", "old.pem");
      rootFs.symlink("/etc/ssl/certs/abcd1234.0", "corp ca.pem");
      assertThatThrownBy(() -> rootFs.symlink("/etc/ssl/certs/corp ca.pem", "x"))
          .isInstanceOf(FileAlreadyExistsException.class);
    }
    assertThat(Files.readSymbolicLink(certs.resolve("abcd1234.0"))).hasToString("corp ca.pem");
    assertThat(onlyNames(certs)).containsExactlyInAnyOrder("abcd1234.0", "corp ca.pem");
  }

  @Test
  void everyDescriptorIsClosedWithTheRoot() throws IOException {
    Files.createDirectories(root.resolve("etc/pki/tls/certs"));
    long before = OpenDescriptors.under(tmp);
    RootFs rootFs = RootFs.openForInjection(root);
    for (int i = 0; i < 300; i++) {
      rootFs.symlink("/etc/ssl/certs/" + i + ".0", "corp ca.pem");
      rootFs.symlink("/etc/pki/tls/certs/" + i + ".0", "/etc/ssl/certs/corp ca.pem");
    }
    // the root and the two link directories, however many links
    assertThat(OpenDescriptors.under(tmp) - before).isBetween(3L, 6L);

    rootFs.close();

    assertThat(OpenDescriptors.under(tmp)).isLessThanOrEqualTo(before);
    rootFs.symlink("/etc/ssl/certs/after-close.0", "corp ca.pem");
    assertThat(OpenDescriptors.under(tmp)).isLessThanOrEqualTo(before);
    assertThat(Files.readSymbolicLink(certs.resolve("after-close.0"))).hasToString("corp ca.pem");
    assertThat(Files.readSymbolicLink(root.resolve("etc/pki/tls/certs/299.0")))
        .hasToString("/etc/ssl/certs/corp ca.pem");
  }

  private static List<String> onlyNames(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).toList();
    }
  }
}
