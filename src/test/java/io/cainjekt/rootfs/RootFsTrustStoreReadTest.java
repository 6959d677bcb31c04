// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RootFs#readTrustStore}: the kernel-faithful resolution of {@link RootFs#readIfExists},
 * with the symlinks no trust store needs refused and classified by {@link RootfsRefusal}.
 */
class RootFsTrustStoreReadTest {

  private static final String BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
  private static final long CAP = 1 << 20;

  @TempDir Path tmp;
  private Path root;
  private Path certs;
  private RootFs rootFs;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    certs = Files.createDirectories(root.resolve("etc/ssl/certs"));
    Files.createDirectories(root.resolve("usr/share/ca"));
    Files.writeString(root.resolve("usr/share/ca/bundle.pem"), "bundle", UTF_8);
    rootFs = RootFs.open(root);
  }

  private void link(String target) throws IOException {
    Files.createSymbolicLink(certs.resolve("ca-certificates.crt"), Path.of(target));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/usr/share/ca/bundle.pem", "../../../usr/share/ca/bundle.pem"})
  void symlinkInsideTheRootIsRead(String target) throws IOException {
    link(target);
    assertThat(rootFs.readTrustStore(BUNDLE, CAP)).hasValue(ByteString.copyFromUtf8("bundle"));
  }

  @Test
  void missingFileIsAbsentNotAnError() throws IOException {
    assertThat(rootFs.readTrustStore(BUNDLE, CAP)).isEmpty();
  }

  @Test
  void symlinkToNothingIsDangling() throws IOException {
    link("/etc/host-only-file");
    assertThat(rootFs.readIfExists(BUNDLE, CAP)).as("lenient read").isEmpty();
    assertThatThrownBy(() -> rootFs.readTrustStore(BUNDLE, CAP))
        .isInstanceOf(DanglingSymlinkException.class)
        .hasMessageContaining("a symlink to /etc/host-only-file")
        .satisfies(e -> assertThat(RootfsRefusal.of(e)).contains(RootfsRefusal.DANGLING_SYMLINK));
  }

  @Test
  void dotDotAboveTheRootIsAnEscapeThoughTheKernelWouldClamp() throws IOException {
    link("../../../../../usr/share/ca/bundle.pem");
    assertThat(rootFs.readIfExists(BUNDLE, CAP)).as("kernel view").isPresent();
    assertThatThrownBy(() -> rootFs.readTrustStore(BUNDLE, CAP))
        .isInstanceOf(RootfsEscapeException.class)
        .hasMessageContaining("climbs above the container root")
        .satisfies(e -> assertThat(RootfsRefusal.of(e)).contains(RootfsRefusal.ESCAPE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/proc", "/sys/kernel", "/dev", "/", "../..", "/./"})
  void certsDirectoryLinkedToTheRootOrAKernelInterfaceIsAnEscape(String target) throws IOException {
    Files.delete(certs);
    Files.createSymbolicLink(certs, Path.of(target));
    assertThatThrownBy(() -> rootFs.readTrustStore(BUNDLE, CAP))
        .isInstanceOf(RootfsEscapeException.class)
        .satisfies(e -> assertThat(RootfsRefusal.of(e)).contains(RootfsRefusal.ESCAPE));
  }

  @Test
  void loopIsClassifiedAsALoop() throws IOException {
    link("loop");
    Files.createSymbolicLink(certs.resolve("loop"), Path.of("ca-certificates.crt"));
    assertThatThrownBy(() -> rootFs.readTrustStore(BUNDLE, CAP))
        .isInstanceOf(SymlinkLoopException.class)
        .satisfies(e -> assertThat(RootfsRefusal.of(e)).contains(RootfsRefusal.SYMLINK_LOOP));
  }

  @Test
  void otherFailuresAreNoRefusal() {
    assertThat(RootfsRefusal.of(new IOException("disk on fire"))).isEmpty();
  }
}
