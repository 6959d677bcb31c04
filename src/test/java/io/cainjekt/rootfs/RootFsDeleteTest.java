// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RootFs#delete} removes a file or a symlink itself, resolves the directories above it
 * inside the root, refuses directories, and never removes a host file, not even while the container
 * swaps a parent directory for a symlink to the host.
 */
class RootFsDeleteTest {

  private static final String BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

  @TempDir Path tmp;
  private Path root;
  private Path bundle;
  private Path outside;
  private RootFs rootFs;
  private RootChangeLog log;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.writeString(tmp.resolve("host-secret"), "host", UTF_8);
    Files.createDirectories(root.resolve("etc/ssl/certs"));
    bundle = Files.writeString(root.resolve("etc/ssl/certs/ca-certificates.crt"), "bundle", UTF_8);
    rootFs = RootFs.open(root);
    log = RootChangeLog.of(rootFs);
  }

  @Test
  void deletesARegularFile() throws IOException {
    Path top = Files.writeString(root.resolve("top.pem"), "top", UTF_8);
    assertThat(rootFs.delete(BUNDLE)).isTrue();
    assertThat(rootFs.delete("/top.pem")).isTrue();
    assertThat(bundle).doesNotExist();
    assertThat(top).doesNotExist();
    assertThat(root.resolve("etc/ssl/certs")).isEmptyDirectory();
  }

  @Test
  void deletingASymlinkRemovesTheLinkAndLeavesWhatItPointsAt() throws IOException {
    Path ssl = root.resolve("etc/ssl");
    Files.createSymbolicLink(ssl.resolve("cert.pem"), Path.of("certs/ca-certificates.crt"));
    Files.createSymbolicLink(ssl.resolve("escape.pem"), outside);
    Files.createSymbolicLink(ssl.resolve("up.pem"), Path.of("../../../host-secret"));
    Files.createSymbolicLink(ssl.resolve("dangling.pem"), Path.of("gone.pem"));
    Files.createSymbolicLink(ssl.resolve("certs-link"), Path.of("/etc/ssl/certs"));
    Files.createSymbolicLink(ssl.resolve("host-dir"), tmp);
    for (String link :
        List.of("cert.pem", "escape.pem", "up.pem", "dangling.pem", "certs-link", "host-dir")) {
      assertThat(rootFs.delete("/etc/ssl/" + link)).as(link).isTrue();
      assertThat(Files.exists(ssl.resolve(link), LinkOption.NOFOLLOW_LINKS)).as(link).isFalse();
    }
    assertThat(bundle).hasContent("bundle");
    assertThat(outside).hasContent("host");
    assertThat(rootFs.list("/etc/ssl")).containsExactly("certs");
  }

  @Test
  void anAbsoluteSymlinkAboveTheFileResolvesInsideTheRootAndLeavesTheHostFile() throws IOException {
    Path hostCerts = Files.createDirectories(tmp.resolve("outside"));
    Path hostFile = Files.writeString(hostCerts.resolve("ca-certificates.crt"), "host", UTF_8);
    Path inRoot = Files.createDirectories(root.resolve(Path.of("/").relativize(hostCerts)));
    Path inRootFile = Files.writeString(inRoot.resolve("ca-certificates.crt"), "ours", UTF_8);
    Files.delete(bundle);
    Files.delete(root.resolve("etc/ssl/certs"));
    Files.createSymbolicLink(root.resolve("etc/ssl/certs"), hostCerts);

    assertThat(rootFs.delete(BUNDLE)).isTrue();
    assertThat(inRootFile).doesNotExist();
    assertThat(rootFs.delete(BUNDLE)).isFalse();
    assertThat(hostFile).hasContent("host");
  }

  @Test
  void dotDotEscapesStayInTheRoot() throws IOException {
    Path inRoot = root.resolve("host-secret");
    Files.createSymbolicLink(root.resolve("etc/up"), Path.of("../../../.."));
    for (String path :
        List.of("/../../../host-secret", "/etc/up/host-secret", "/etc/ssl/../up/../host-secret")) {
      Files.writeString(inRoot, "ours", UTF_8);
      assertThat(rootFs.delete(path)).as(path).isTrue();
      assertThat(inRoot).as(path).doesNotExist();
      assertThat(rootFs.delete(path)).as(path).isFalse();
    }
    assertThat(outside).hasContent("host");
  }

  @Test
  void aDirectoryIsRefusedAndStays() throws IOException {
    Files.createSymbolicLink(root.resolve("etc/certs-link"), Path.of("ssl/certs"));
    for (String path :
        List.of(
            "/etc/ssl/certs", "/etc/ssl/certs/", "/etc/ssl/certs/.", "/etc/ssl/certs/..", "/")) {
      assertThatThrownBy(() -> rootFs.delete(path))
          .as(path)
          .isInstanceOf(NotRegularFileException.class)
          .hasMessage("delete " + path + ": is a directory, not a regular file");
    }
    assertThatThrownBy(() -> rootFs.delete("/etc/certs-link/"))
        .isInstanceOf(NotRegularFileException.class);
    assertThat(bundle).hasContent("bundle");
  }

  @Test
  void aRelativePathOrAFileAboveTheNameIsRefused() {
    assertThatThrownBy(() -> rootFs.delete("etc/ssl/certs/ca-certificates.crt"))
        .isInstanceOf(RootfsEscapeException.class)
        .hasMessageContaining("not an absolute");
    assertThatThrownBy(() -> rootFs.delete(BUNDLE + "/x"))
        .isInstanceOf(RootfsEscapeException.class)
        .hasMessageContaining("not a directory");
    assertThat(bundle).hasContent("bundle");
  }

  @Test
  void aMissingFileOrParentIsFalse() throws IOException {
    Files.createSymbolicLink(root.resolve("etc/gone"), Path.of("/no/such/dir"));
    for (String path :
        List.of("/etc/ssl/certs/none.pem", "/no/such/dir/x.pem", "/etc/gone/x.pem", "/none/")) {
      assertThat(log.delete(path)).as(path).isFalse();
    }
    assertThat(log.changes()).isEmpty();
  }

  @Test
  void aLogRecordsTheDeleteAndApplyReplaysItOnAnotherRoot() throws IOException {
    assertThat(log.delete(BUNDLE)).isTrue();
    assertThat(log.delete(BUNDLE)).isFalse();
    assertThat(log.changes()).containsExactly(new RootChange.Delete(BUNDLE));
    assertThat(log.changes().getFirst().bytes()).isEqualTo(BUNDLE.length());

    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.createDirectories(other.resolve("etc/ssl/certs"));
    Path otherBundle = Files.writeString(other.resolve("etc/ssl/certs/ca-certificates.crt"), "b");
    RootFs replay = RootFs.open(other);
    for (RootChange change : log.changes()) {
      replay.apply(change);
    }
    assertThat(otherBundle).doesNotExist();
  }

  @Test
  void aRootOpenedForInjectionSeesWhatItDeleted() throws IOException {
    Files.createSymbolicLink(
        root.resolve("etc/ssl/cert.pem"), Path.of("certs/ca-certificates.crt"));
    RootFs injection = RootFs.openForInjection(root);
    assertThat(injection.read(BUNDLE, 100)).isEqualTo(ByteString.copyFromUtf8("bundle"));
    assertThat(injection.read("/etc/ssl/cert.pem", 100))
        .isEqualTo(ByteString.copyFromUtf8("bundle"));

    assertThat(injection.delete(BUNDLE)).isTrue();
    assertThat(injection.readIfExists(BUNDLE, 100)).isEmpty();
    assertThat(injection.readIfExists("/etc/ssl/cert.pem", 100)).isEmpty();
    assertThat(injection.isRegularFile(BUNDLE)).isFalse();
    assertThat(injection.hasEntry("/etc/ssl/certs", "ca-certificates.crt")).isFalse();
    assertThat(injection.list("/etc/ssl/certs")).isEmpty();

    assertThat(injection.delete("/etc/ssl/cert.pem")).isTrue();
    assertThat(injection.hasEntry("/etc/ssl", "cert.pem")).isFalse();
  }

  /**
   * The container swaps /etc/ssl/certs between its real directory and a symlink to a host directory
   * holding a file of the same name, as fast as it can, while the plugin deletes: every delete
   * unlinks the file in the real directory, finds nothing or fails, and the host file stays. A root
   * opened for one injection remembers /etc/ssl/certs as a directory, so each of its deletes walks
   * into whatever is there at the time.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aParentSwappedForAHostSymlinkDuringDeletesNeverLosesTheHostFile(boolean forInjection)
      throws Exception {
    Path hostDir = Files.createDirectories(tmp.resolve("host-certs"));
    Path hostFile = Files.writeString(hostDir.resolve("ca-certificates.crt"), "host", UTF_8);
    Path certs = root.resolve("etc/ssl/certs");
    Path aside = root.resolve("etc/ssl/certs-aside");
    RootFs deleter = forInjection ? RootFs.openForInjection(root) : rootFs;
    assertThat(deleter.isRegularFile(BUNDLE)).isTrue();

    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Exception> swapFailure = new AtomicReference<>();
    CountDownLatch swapped = new CountDownLatch(1);
    Thread swapper =
        Thread.ofPlatform()
            .name("delete-race-swapper")
            .start(
                () -> {
                  try {
                    while (!done.get()) {
                      Files.move(certs, aside, StandardCopyOption.ATOMIC_MOVE);
                      Files.createSymbolicLink(certs, hostDir);
                      swapped.countDown();
                      Files.writeString(aside.resolve("ca-certificates.crt"), "bundle", UTF_8);
                      Files.delete(certs);
                      Files.move(aside, certs, StandardCopyOption.ATOMIC_MOVE);
                    }
                  } catch (IOException | RuntimeException e) {
                    swapFailure.set(e);
                  } finally {
                    swapped.countDown();
                  }
                });
    try {
      swapped.await();
      for (int i = 0; i < 2000; i++) {
        try {
          deleter.delete(BUNDLE);
        } catch (IOException expected) {
          // the parent was a symlink when the walk reached it: refused, nothing removed
        }
      }
    } finally {
      done.set(true);
      swapper.join();
    }
    assertThat(swapFailure.get()).isNull();
    assertThat(hostFile).hasContent("host");
    try (var entries = Files.list(hostDir)) {
      assertThat(entries).containsExactly(hostFile);
    }
  }
}
