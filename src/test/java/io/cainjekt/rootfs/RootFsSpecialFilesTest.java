// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootFsSpecialFilesTest {

  private static final Set<PosixFilePermission> MODE_644 =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Duration NO_BLOCKING = Duration.ofSeconds(10);

  @TempDir Path tmp;
  private Path root;
  private RootFs rootFs;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("etc/ssl"));
    rootFs = RootFs.open(root);
  }

  @Test
  void fifoIsNeverOpenedForReadingOrWriting() throws IOException {
    SpecialFiles.mkfifo(root.resolve("etc/ssl/cert.pem"));
    assertTimeoutPreemptively(
        NO_BLOCKING,
        () -> {
          assertThatThrownBy(() -> rootFs.read("/etc/ssl/cert.pem", 1024))
              .isInstanceOf(NotRegularFileException.class)
              .hasMessage("read /etc/ssl/cert.pem: is a fifo, not a regular file");
          assertThatThrownBy(
                  () ->
                      rootFs.writeAtomically(
                          "/etc/ssl/cert.pem", ByteString.copyFrom(new byte[1]), MODE_644))
              .isInstanceOf(NotRegularFileException.class)
              .hasMessageContaining("fifo");
        });
    assertThat(rootFs.isRegularFile("/etc/ssl/cert.pem")).isFalse();
    assertThat(entries(root.resolve("etc/ssl"))).containsExactly("cert.pem");
  }

  @Test
  void symlinkToAFifoIsRefusedLikeTheFifo() throws IOException {
    SpecialFiles.mkfifo(root.resolve("etc/ssl/pipe"));
    Files.createSymbolicLink(root.resolve("etc/ssl/cert.pem"), Path.of("/etc/ssl/pipe"));
    assertTimeoutPreemptively(
        NO_BLOCKING,
        () ->
            assertThatThrownBy(() -> rootFs.readIfExists("/etc/ssl/cert.pem", 1024))
                .isInstanceOf(NotRegularFileException.class));
  }

  @Test
  void socketIsRefused() throws IOException {
    SpecialFiles.socket(root.resolve("etc/ssl/cert.pem"));
    assertThatThrownBy(
            () ->
                rootFs.writeAtomically(
                    "/etc/ssl/cert.pem", ByteString.copyFrom(new byte[1]), MODE_644))
        .isInstanceOf(NotRegularFileException.class)
        .hasMessageContaining("socket");
  }

  @Test
  void deviceIsNeverOpened() throws IOException {
    assumeTrue(SpecialFiles.isRoot(), "mknod needs CAP_MKNOD; CI runs as root");
    SpecialFiles.mknodNull(root.resolve("etc/ssl/cert.pem"));
    assertThatThrownBy(() -> rootFs.read("/etc/ssl/cert.pem", 1024))
        .isInstanceOf(NotRegularFileException.class)
        .hasMessageContaining("character device");
    assertThatThrownBy(
            () ->
                rootFs.writeAtomically(
                    "/etc/ssl/cert.pem", ByteString.copyFrom(new byte[1]), MODE_644))
        .isInstanceOf(NotRegularFileException.class);
    assertThat(Files.getAttribute(root.resolve("etc/ssl/cert.pem"), "unix:rdev")).isEqualTo(259L);
  }

  @Test
  void writeKeepsNumericOwnerOfTheReplacedFile() throws IOException {
    assumeTrue(SpecialFiles.isRoot(), "chown to another uid needs CAP_CHOWN; CI runs as root");
    Path bundle = Files.writeString(root.resolve("etc/ssl/cert.pem"), "old", UTF_8);
    Files.setAttribute(bundle, "unix:uid", 4321);
    Files.setAttribute(bundle, "unix:gid", 8765);
    Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString("rw-rw-r--"));
    rootFs.writeAtomically("/etc/ssl/cert.pem", ByteString.copyFromUtf8("new"), MODE_644);
    assertThat(Files.readString(bundle)).isEqualTo("new");
    assertThat(Files.getAttribute(bundle, "unix:uid")).isEqualTo(4321);
    assertThat(Files.getAttribute(bundle, "unix:gid")).isEqualTo(8765);
    assertThat(Files.getPosixFilePermissions(bundle))
        .isEqualTo(PosixFilePermissions.fromString("rw-rw-r--"));
  }

  @Test
  void readOnlyDirectoryFailsCleanlyAndLeavesNoTempFile() throws IOException {
    Path dir = root.resolve("etc/ssl");
    Path bundle = Files.writeString(dir.resolve("cert.pem"), "old", UTF_8);
    boolean immutable = SpecialFiles.isRoot();
    if (immutable) {
      SpecialFiles.chattr("+i", dir); // root ignores mode bits; the immutable flag binds root too
    } else {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    try {
      assertThatThrownBy(
              () ->
                  rootFs.writeAtomically(
                      "/etc/ssl/cert.pem", ByteString.copyFrom(new byte[1]), MODE_644))
          .isInstanceOf(FileSystemException.class);
      assertThat(Files.readString(bundle)).isEqualTo("old");
      assertThat(entries(dir)).containsExactly("cert.pem");
    } finally {
      if (immutable) {
        SpecialFiles.chattr("-i", dir);
      } else {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }

  @Test
  void sparseFileOverTheCapIsRefusedWithoutReadingIt() throws IOException {
    Path big = root.resolve("etc/ssl/cert.pem");
    try (var channel =
        Files.newByteChannel(
            big,
            Set.of(
                java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.SPARSE))) {
      channel.position((1L << 30) - 1).write(java.nio.ByteBuffer.wrap(new byte[1]));
    }
    assertThatThrownBy(() -> rootFs.read("/etc/ssl/cert.pem", 16L << 20))
        .isInstanceOf(FileTooLargeException.class)
        .hasMessage("read /etc/ssl/cert.pem: larger than the cap of 16777216 bytes");
  }

  @Test
  void fileGrowingPastTheCapAfterTheSizeCheckIsStillCut() throws IOException {
    Path proc = Path.of("/proc/self/status");
    assumeTrue(Files.size(proc) == 0, "procfs reports size 0 for files with content");
    Path procRoot = Path.of("/proc/self");
    RootFs procFs = RootFs.open(procRoot);
    assertThatThrownBy(() -> procFs.read("/status", 16)).isInstanceOf(FileTooLargeException.class);
    assertThat(procFs.read("/status", 1 << 20)).isNotEmpty();
  }

  @Test
  void danglingSymlinkIsMissingAndWriteCreatesItsTargetInsideTheRoot() throws IOException {
    Files.createSymbolicLink(root.resolve("etc/ssl/cert.pem"), Path.of("/etc/ssl/real.pem"));
    assertThat(rootFs.readIfExists("/etc/ssl/cert.pem", 10)).isEmpty();
    rootFs.writeAtomically("/etc/ssl/cert.pem", ByteString.copyFromUtf8("x"), MODE_644);
    assertThat(Files.readString(root.resolve("etc/ssl/real.pem"))).isEqualTo("x");
    assertThat(Files.isSymbolicLink(root.resolve("etc/ssl/cert.pem"))).isTrue();
  }

  private static java.util.List<String> entries(Path dir) throws IOException {
    try (var list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString())
          .filter(n -> Files.exists(dir.resolve(n), LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .toList();
    }
  }
}
