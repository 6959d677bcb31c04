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

class RootChangeLogTest {

  private static final Set<PosixFilePermission> MODE_644 =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final ByteString MERGED = ByteString.copyFromUtf8("merged");

  @TempDir Path tmp;
  private Path root;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("etc/ssl/certs"));
    Files.writeString(root.resolve("etc/ssl/certs/ca-certificates.crt"), "bundle", UTF_8);
    Files.writeString(root.resolve("etc/ssl/old.pem"), "old", UTF_8);
  }

  /** Every kind of change, each made through {@code log}. */
  private static void changeEverything(RootChangeLog log) throws IOException {
    log.writeAtomically("/etc/ssl/certs/ca-certificates.crt", MERGED, MODE_644);
    log.createDirectories("/usr/local/share/ca-certificates");
    log.symlink("/etc/ssl/certs/abcd1234.0", "ca-certificates.crt");
    log.delete("/etc/ssl/old.pem");
  }

  private static final RootChange[] EVERYTHING = {
    new RootChange.Write("/etc/ssl/certs/ca-certificates.crt", MERGED, MODE_644),
    new RootChange.Directories("/usr/local/share/ca-certificates"),
    new RootChange.Symlink("/etc/ssl/certs/abcd1234.0", "ca-certificates.crt"),
    new RootChange.Delete("/etc/ssl/old.pem")
  };

  @Test
  void theChangesMadeThroughItAreRecordedInOrderAndReplayIdenticallyOnAnotherRoot()
      throws IOException {
    RootChangeLog log = RootChangeLog.of(RootFs.open(root));
    changeEverything(log);

    assertThat(log.changes()).containsExactly(EVERYTHING);
    assertThat(root.resolve("etc/ssl/certs/ca-certificates.crt")).hasContent("merged");
    assertThat(root.resolve("etc/ssl/old.pem")).doesNotExist();

    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.createDirectories(other.resolve("etc/ssl/certs"));
    Files.writeString(other.resolve("etc/ssl/certs/ca-certificates.crt"), "bundle", UTF_8);
    Files.writeString(other.resolve("etc/ssl/old.pem"), "old", UTF_8);
    RootFs replay = RootFs.open(other);
    for (RootChange change : log.changes()) {
      replay.apply(change);
    }
    assertThat(other.resolve("etc/ssl/certs/ca-certificates.crt")).hasContent("merged");
    assertThat(other.resolve("usr/local/share/ca-certificates")).isDirectory();
    assertThat(Files.readSymbolicLink(other.resolve("etc/ssl/certs/abcd1234.0")))
        .hasToString("ca-certificates.crt");
    assertThat(other.resolve("etc/ssl/old.pem")).doesNotExist();
  }

  @Test
  void aChangeTheRootRefusesIsNotRecorded() throws IOException {
    RootChangeLog log = RootChangeLog.of(RootFs.open(root));

    assertThatThrownBy(() -> log.writeAtomically("/etc/ssl/certs", MERGED, MODE_644))
        .isInstanceOf(NotRegularFileException.class);
    assertThatThrownBy(() -> log.symlink("/etc/ssl/certs/ca-certificates.crt", "x"))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    assertThat(log.delete("/etc/ssl/none.pem")).isFalse();

    assertThat(log.changes()).isEmpty();
  }

  @Test
  void aDryRunRecordsWhatItWouldChangeAndLeavesTheRootAsItWas() throws IOException {
    RootChangeLog log = RootChangeLog.dryRun(RootFs.open(root));
    changeEverything(log);

    assertThat(log.changes()).containsExactly(EVERYTHING);
    assertThat(root.resolve("etc/ssl/certs/ca-certificates.crt")).hasContent("bundle");
    assertThat(root.resolve("usr")).doesNotExist();
    assertThat(root.resolve("etc/ssl/certs/abcd1234.0")).doesNotExist();
    assertThat(root.resolve("etc/ssl/old.pem")).hasContent("old");
  }
}
