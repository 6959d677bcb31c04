// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootFsTest {

  private static final Set<PosixFilePermission> MODE_644 =
      PosixFilePermissions.fromString("rw-r--r--");

  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private RootFs rootFs;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.writeString(tmp.resolve("host-secret"), "host", UTF_8);
    Files.createDirectories(root.resolve("etc/ssl/certs"));
    Files.writeString(root.resolve("etc/ssl/certs/ca-certificates.crt"), "bundle", UTF_8);
    rootFs = RootFs.open(root);
  }

  @Test
  void openRefusesAMissingRoot() {
    assertThatThrownBy(() -> RootFs.open(tmp.resolve("nope"))).isInstanceOf(IOException.class);
  }

  @Test
  void absoluteSymlinkIsResolvedInsideTheRoot() throws IOException {
    Files.createSymbolicLink(
        root.resolve("etc/ssl/cert.pem"), Path.of("/etc/ssl/certs/ca-certificates.crt"));
    ResolvedPath resolved = rootFs.resolve("/etc/ssl/cert.pem");
    assertThat(resolved.exists()).isTrue();
    assertThat(resolved.hostPath()).isEqualTo(root.resolve("etc/ssl/certs/ca-certificates.crt"));
  }

  @Test
  void absoluteSymlinkToAHostFileStaysInsideTheRoot() throws IOException {
    Files.createSymbolicLink(root.resolve("etc/evil"), outside);
    ResolvedPath resolved = rootFs.resolve("/etc/evil");
    assertThat(resolved.hostPath()).startsWithRaw(root);
    assertThat(resolved.exists()).isFalse();
  }

  @Test
  void dotDotIsClampedAtTheRoot() throws IOException {
    Files.createSymbolicLink(
        root.resolve("etc/up"), Path.of("../../../../" + tmp.relativize(outside)));
    assertThat(rootFs.resolve("/../../../host-secret").hostPath())
        .isEqualTo(root.resolve("host-secret"));
    assertThat(rootFs.resolve("/etc/up").hostPath()).isEqualTo(root.resolve("host-secret"));
    assertThat(rootFs.resolve("/etc/up").exists()).isFalse();
  }

  @Test
  void fortyHopsResolveAndFortyOneFail() throws IOException {
    Files.writeString(root.resolve("target"), "t", UTF_8);
    Files.createSymbolicLink(root.resolve("l0"), Path.of("/target"));
    for (int i = 1; i <= 40; i++) {
      Files.createSymbolicLink(root.resolve("l" + i), Path.of("l" + (i - 1)));
    }
    assertThat(rootFs.resolve("/l39").exists()).isTrue();
    assertThatThrownBy(() -> rootFs.resolve("/l40"))
        .isInstanceOf(RootfsEscapeException.class)
        .hasMessageContaining("40 symlink hops");
  }

  @Test
  void symlinkLoopIsAnEscapeError() throws IOException {
    Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));
    assertThatThrownBy(() -> rootFs.read("/a", 100)).isInstanceOf(RootfsEscapeException.class);
  }

  @Test
  void relativeContainerPathIsRefused() {
    assertThatThrownBy(() -> rootFs.resolve("etc/passwd"))
        .isInstanceOf(RootfsEscapeException.class)
        .hasMessageContaining("not an absolute");
  }

  @Test
  void fileInTheMiddleIsRefused() {
    assertThatThrownBy(() -> rootFs.resolve("/etc/ssl/certs/ca-certificates.crt/x"))
        .isInstanceOf(RootfsEscapeException.class)
        .hasMessageContaining("not a directory");
  }

  @Test
  void readIsCappedAndMissingFilesAreEmpty() throws IOException {
    assertThat(rootFs.read("/etc/ssl/certs/ca-certificates.crt", 6))
        .isEqualTo(ByteString.copyFromUtf8("bundle"));
    assertThatThrownBy(() -> rootFs.read("/etc/ssl/certs/ca-certificates.crt", 5))
        .isInstanceOf(FileTooLargeException.class);
    assertThat(rootFs.readIfExists("/etc/missing/x", 10)).isEmpty();
    assertThatThrownBy(() -> rootFs.read("/etc/missing", 10))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void writeThroughSymlinkReplacesTheTargetKeepingModeAndLink() throws IOException {
    Path target = root.resolve("etc/ssl/certs/ca-certificates.crt");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
    Files.createSymbolicLink(
        root.resolve("etc/ssl/cert.pem"), Path.of("certs/ca-certificates.crt"));
    rootFs.writeAtomically("/etc/ssl/cert.pem", ByteString.copyFromUtf8("merged"), MODE_644);
    assertThat(Files.readString(target)).isEqualTo("merged");
    assertThat(Files.getPosixFilePermissions(target))
        .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    assertThat(Files.isSymbolicLink(root.resolve("etc/ssl/cert.pem"))).isTrue();
    try (var entries = Files.list(target.getParent())) {
      assertThat(entries).hasSize(1);
    }
  }

  @Test
  void newFileGetsTheGivenMode() throws IOException {
    rootFs.writeAtomically("/etc/new.pem", ByteString.copyFromUtf8("x"), MODE_644);
    assertThat(Files.getPosixFilePermissions(root.resolve("etc/new.pem"))).isEqualTo(MODE_644);
  }

  @Test
  void writeToADirectoryIsRefused() {
    assertThatThrownBy(
            () -> rootFs.writeAtomically("/etc/ssl", ByteString.copyFrom(new byte[1]), MODE_644))
        .isInstanceOf(NotRegularFileException.class)
        .hasMessageContaining("directory");
  }

  @Test
  void createDirectoriesAndSymlinkStayInside() throws IOException {
    rootFs.createDirectories("/usr/local/share/ca-certificates");
    assertThat(Files.isDirectory(root.resolve("usr/local/share/ca-certificates"))).isTrue();
    rootFs.symlink("/etc/ssl/certs/abcd1234.0", "ca-certificates.crt");
    rootFs.symlink("/etc/ssl/certs/abcd1234.0", "other.pem");
    assertThat(Files.readSymbolicLink(root.resolve("etc/ssl/certs/abcd1234.0")))
        .isEqualTo(Path.of("other.pem"));
    assertThatThrownBy(() -> rootFs.symlink("/etc/ssl/certs/ca-certificates.crt", "x"))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> rootFs.createDirectories("/etc/ssl/certs/ca-certificates.crt"))
        .isInstanceOf(NotDirectoryException.class);
    assertThat(Files.exists(root.resolve("etc/ssl/certs/abcd1234.0"), LinkOption.NOFOLLOW_LINKS))
        .isTrue();
    assertThat(rootFs.list("/etc/ssl/certs")).containsExactly("abcd1234.0", "ca-certificates.crt");
  }

  @Test
  void hasEntryNamesWhatListNamesWithoutFollowingIt() throws IOException {
    Path certs = root.resolve("etc/ssl/certs");
    Files.createSymbolicLink(certs.resolve("abcd1234.0"), Path.of("gone.pem"));
    Files.createSymbolicLink(certs.resolve("escape.0"), outside);
    Files.createDirectories(root.resolve("data"));
    Files.createSymbolicLink(root.resolve("etc/certs-link"), Path.of("/etc/ssl/certs"));
    for (String name : rootFs.list("/etc/ssl/certs")) {
      assertThat(rootFs.hasEntry("/etc/ssl/certs", name)).as(name).isTrue();
      assertThat(rootFs.hasEntry("/etc/certs-link", name)).as(name).isTrue();
    }
    assertThat(rootFs.list("/etc/ssl/certs")).contains("abcd1234.0", "escape.0");
    assertThat(rootFs.hasEntry("/etc/ssl/certs", "gone.pem")).isFalse();
    assertThat(rootFs.hasEntry("/etc/ssl/certs", "host-secret")).isFalse();
    assertThat(rootFs.hasEntry("/data", "abcd1234.0")).isFalse();
    assertThat(rootFs.hasEntry("/no/such/dir", "abcd1234.0")).isFalse();
    assertThatThrownBy(() -> rootFs.hasEntry("/etc/ssl/certs/ca-certificates.crt", "x"))
        .isInstanceOf(NotDirectoryException.class);
    for (String bad : new String[] {"", ".", "..", "a/b", "a\0b"}) {
      assertThatThrownBy(() -> rootFs.hasEntry("/etc/ssl/certs", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void procPidRootMagicLinkWorksAsTheHostRoot() throws IOException {
    Path procRoot = Path.of("/proc/" + ProcessHandle.current().pid() + "/root");
    RootFs proc = RootFs.open(procRoot);
    assertThat(proc.hostRoot()).isEqualTo(procRoot);
    assertThat(proc.read("/proc/self/status", 1 << 20)).isNotEmpty();
    assertThat(proc.isDirectory("/etc")).isTrue();
    assertThat(proc.resolve("/../../etc").hostPath()).isEqualTo(procRoot.resolve("etc"));
  }

  @Test
  void concurrentAtomicWritesLeaveOneCompleteVersionAndNoTempFiles() throws Exception {
    int writers = 8;
    java.util.List<java.util.concurrent.Future<Void>> writes = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < writers; i++) {
        ByteString content = ByteString.copyFromUtf8(("version " + i + "\n").repeat(10_000));
        writes.add(
            pool.submit(
                () -> {
                  rootFs.writeAtomically("/etc/ssl/certs/ca-certificates.crt", content, MODE_644);
                  return null;
                }));
      }
    }
    for (java.util.concurrent.Future<Void> write : writes) {
      write.get();
    }
    String result = Files.readString(root.resolve("etc/ssl/certs/ca-certificates.crt"));
    assertThat(result.lines().distinct()).hasSize(1);
    assertThat(result).hasSize(result.lines().findFirst().orElseThrow().length() * 10_000 + 10_000);
    assertThat(rootFs.list("/etc/ssl/certs")).containsExactly("ca-certificates.crt");
  }
}
