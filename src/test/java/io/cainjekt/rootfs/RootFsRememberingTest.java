// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root opened for one injection remembers its lookups, sees its own changes, and a stale answer
 * never leads a read or a write out of the root.
 */
class RootFsRememberingTest {

  private static final Set<PosixFilePermission> MODE_644 =
      PosixFilePermissions.fromString("rw-r--r--");

  @TempDir Path tmp;
  private Path root;
  private RootFs injection;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("etc/ssl/certs"));
    Files.writeString(root.resolve("etc/ssl/certs/ca-certificates.crt"), "bundle", UTF_8);
    injection = RootFs.openForInjection(root);
  }

  @Test
  void answersAreRememberedWhileADirectRootAsksAgain() throws IOException {
    assertThat(injection.isRegularFile("/etc/ssl/certs/ca-certificates.crt")).isTrue();
    Files.delete(root.resolve("etc/ssl/certs/ca-certificates.crt"));

    assertThat(injection.isRegularFile("/etc/ssl/certs/ca-certificates.crt")).isTrue();
    assertThat(RootFs.open(root).isRegularFile("/etc/ssl/certs/ca-certificates.crt")).isFalse();
    // the read itself opens the file again: a remembered answer does not invent content
    assertThat(injection.readIfExists("/etc/ssl/certs/ca-certificates.crt", 100)).isEmpty();
  }

  @Test
  void ownWritesDirectoriesAndSymlinksAreSeen() throws IOException {
    assertThat(injection.isRegularFile("/etc/new.pem")).isFalse();
    injection.writeAtomically("/etc/new.pem", ByteString.copyFromUtf8("x"), MODE_644);
    assertThat(injection.isRegularFile("/etc/new.pem")).isTrue();

    assertThat(injection.isDirectory("/usr/local/share/ca-certificates")).isFalse();
    injection.createDirectories("/usr/local/share/ca-certificates");
    assertThat(injection.isDirectory("/usr/local/share/ca-certificates")).isTrue();

    Files.writeString(root.resolve("etc/ssl/other.pem"), "other", UTF_8);
    injection.symlink("/etc/ssl/cert.pem", "certs/ca-certificates.crt");
    assertThat(injection.read("/etc/ssl/cert.pem", 100))
        .isEqualTo(ByteString.copyFromUtf8("bundle"));
    injection.symlink("/etc/ssl/cert.pem", "other.pem");
    assertThat(injection.read("/etc/ssl/cert.pem", 100))
        .isEqualTo(ByteString.copyFromUtf8("other"));
  }

  @Test
  void aDirectorySwappedForAHostSymlinkAfterLookupIsNeitherReadNorWritten() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("host-certs"));
    Path hostBundle = Files.writeString(outside.resolve("ca-certificates.crt"), "host", UTF_8);
    assertThat(injection.isRegularFile("/etc/ssl/certs/ca-certificates.crt")).isTrue();

    Path certs = root.resolve("etc/ssl/certs");
    Files.delete(certs.resolve("ca-certificates.crt"));
    Files.delete(certs);
    Files.createSymbolicLink(certs, outside);

    assertThatThrownBy(() -> injection.read("/etc/ssl/certs/ca-certificates.crt", 100))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () ->
                injection.writeAtomically(
                    "/etc/ssl/certs/ca-certificates.crt",
                    ByteString.copyFromUtf8("ours"),
                    MODE_644))
        .isInstanceOf(IOException.class);
    assertThat(Files.readString(hostBundle)).isEqualTo("host");
    try (var entries = Files.list(outside)) {
      assertThat(entries).containsExactly(hostBundle);
    }
  }

  @Test
  void aFileIsReadOnceAndWhatTheRootWritesIsWhatItReadsBack() throws IOException {
    ByteString first = injection.read("/etc/ssl/certs/ca-certificates.crt", 100);
    Files.writeString(root.resolve("etc/ssl/certs/ca-certificates.crt"), "changed", UTF_8);
    assertThat(injection.read("/etc/ssl/certs/ca-certificates.crt", 100)).isSameAs(first);
    assertThatThrownBy(() -> injection.read("/etc/ssl/certs/ca-certificates.crt", 5))
        .isInstanceOf(FileTooLargeException.class);

    ByteString merged = ByteString.copyFromUtf8("merged");
    injection.writeAtomically("/etc/ssl/certs/ca-certificates.crt", merged, MODE_644);
    assertThat(Files.readString(root.resolve("etc/ssl/certs/ca-certificates.crt")))
        .isEqualTo("merged");
    // what was written is what a later read gets, without reading it back
    Files.writeString(root.resolve("etc/ssl/certs/ca-certificates.crt"), "changed", UTF_8);
    assertThat(injection.read("/etc/ssl/certs/ca-certificates.crt", 100)).isSameAs(merged);
    assertThatThrownBy(() -> injection.read("/etc/ssl/certs/ca-certificates.crt", 5))
        .isInstanceOf(FileTooLargeException.class);
    assertThat(RootFs.open(root).read("/etc/ssl/certs/ca-certificates.crt", 100))
        .isEqualTo(ByteString.copyFromUtf8("changed"));
  }
}
