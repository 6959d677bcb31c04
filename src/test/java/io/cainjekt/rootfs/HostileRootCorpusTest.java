// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.cainjekt.trust.BundleMerger;
import io.cainjekt.trust.PemBundle;
import io.cainjekt.trust.TestPki;
import io.cainjekt.trust.TrustBundleException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 4's hostile roots at the library level: each root attacks the bundle path of a Debian
 * image, the merge flow (read capped, merge, write atomically) ends in a clean typed error, and
 * every host file outside the root is byte-for-byte unchanged.
 */
class HostileRootCorpusTest {

  private static final String BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
  private static final long BUNDLE_CAP_BYTES = 16L << 20;
  private static final TestPki.Issued CORP = TestPki.rootCa("Corp Root CA");

  @TempDir Path tmp;
  private Path host;
  private Path root;

  /** One hostile setup: builds the attack inside {@code root}, aimed at {@code host}. */
  interface Attack {
    void build(Path root, Path host) throws IOException;
  }

  @BeforeEach
  void setUp() throws IOException {
    host = Files.createDirectories(tmp.resolve("host"));
    Files.writeString(host.resolve("victim.pem"), "host trust store\n", UTF_8);
    Files.createDirectories(host.resolve("etc/ssl/certs"));
    Files.writeString(host.resolve("etc/ssl/certs/ca-certificates.crt"), "host bundle\n", UTF_8);
    root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("etc/ssl/certs"));
  }

  static Stream<Arguments> corpus() {
    return Stream.of(
        attack(
            "absolute symlink to a host file",
            NoSuchFileException.class,
            (root, host) -> link(root, BUNDLE, host.resolve("victim.pem").toString())),
        attack(
            "../ chain to a host file",
            NoSuchFileException.class,
            (root, host) ->
                link(root, BUNDLE, "../".repeat(12) + host.getFileName() + "/victim.pem")),
        attack(
            "directory symlinked out with ../",
            NoSuchFileException.class,
            (root, host) -> {
              deleteTree(root.resolve("etc/ssl"));
              link(root, "/etc/ssl", "../../../../../../" + host.getFileName() + "/etc/ssl");
            }),
        attack(
            "/etc symlinked to the host's absolute path",
            NoSuchFileException.class,
            (root, host) -> {
              deleteTree(root.resolve("etc"));
              link(root, "/etc", host.resolve("etc").toString());
            }),
        attack(
            "symlink loop",
            RootfsEscapeException.class,
            (root, host) -> {
              link(root, BUNDLE, "/etc/ssl/certs/loop");
              link(root, "/etc/ssl/certs/loop", BUNDLE);
            }),
        attack(
            "41-hop chain",
            RootfsEscapeException.class,
            (root, host) -> {
              for (int i = 0; i < 41; i++) {
                link(root, "/etc/ssl/certs/hop" + i, "hop" + (i + 1));
              }
              Files.writeString(root.resolve("etc/ssl/certs/hop41"), "end", UTF_8);
              link(root, BUNDLE, "hop0");
            }),
        attack(
            "FIFO at the bundle path",
            NotRegularFileException.class,
            (root, host) -> SpecialFiles.mkfifo(hostOf(root, BUNDLE))),
        attack(
            "socket at the bundle path",
            NotRegularFileException.class,
            (root, host) -> SpecialFiles.socket(hostOf(root, BUNDLE))),
        attack(
            "bundle is a directory",
            NotRegularFileException.class,
            (root, host) -> Files.createDirectory(hostOf(root, BUNDLE))),
        attack(
            "certs is a file",
            RootfsEscapeException.class,
            (root, host) -> {
              deleteTree(root.resolve("etc/ssl/certs"));
              Files.writeString(root.resolve("etc/ssl/certs"), "not a dir", UTF_8);
            }),
        attack(
            "1 GiB sparse bundle",
            FileTooLargeException.class,
            (root, host) -> sparse(hostOf(root, BUNDLE), 1L << 30)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void hostileRootEndsInATypedErrorAndNoHostWrite(
      String name, Class<? extends IOException> expected, Attack attack) throws Exception {
    attack.build(root, host);
    Map<String, String> before = hashes(host);
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> assertThatThrownBy(() -> mergeInto(RootFs.open(root))).isInstanceOf(expected));
    assertThat(hashes(host)).isEqualTo(before);
  }

  @Test
  void deviceAtTheBundlePathIsRefused() throws Exception {
    assumeTrue(SpecialFiles.isRoot(), "mknod needs CAP_MKNOD; CI runs as root");
    SpecialFiles.mknodNull(hostOf(root, BUNDLE));
    Map<String, String> before = hashes(host);
    assertThatThrownBy(() -> mergeInto(RootFs.open(root)))
        .isInstanceOf(NotRegularFileException.class)
        .hasMessageContaining("character device");
    assertThat(hashes(host)).isEqualTo(before);
  }

  @Test
  void garbageBundleIsKeptVerbatimAndTheCaAppended() throws Exception {
    byte[] garbage = new byte[4096];
    new java.util.Random(4).nextBytes(garbage);
    Files.write(hostOf(root, BUNDLE), garbage);
    mergeInto(RootFs.open(root));
    byte[] merged = Files.readAllBytes(hostOf(root, BUNDLE));
    assertThat(java.util.Arrays.copyOf(merged, garbage.length)).isEqualTo(garbage);
    assertThat(PemBundle.parseLenient("merged", merged).size()).isEqualTo(1);
  }

  @Test
  void garbageOrKeyAsInjectedCaIsRefusedBeforeAnyWrite() throws Exception {
    Files.writeString(hostOf(root, BUNDLE), "image bundle\n", UTF_8);
    Map<String, String> before = hashes(tmp);
    assertThatThrownBy(
            () -> PemBundle.parseStrict("ca.pem", "\u0000\u00ff garbage".getBytes(UTF_8)))
        .isInstanceOf(TrustBundleException.class);
    assertThatThrownBy(
            () ->
                PemBundle.parseStrict(
                    "ca.pem", (CORP.pem() + CORP.privateKeyPem()).getBytes(UTF_8)))
        .isInstanceOf(TrustBundleException.class)
        .hasMessageContaining("PEM block 2 (PRIVATE KEY)");
    assertThat(hashes(tmp)).isEqualTo(before);
  }

  /** The flow an OS processor runs: capped read, append-only merge, atomic write. */
  private static void mergeInto(RootFs rootFs) throws IOException {
    ByteString base = rootFs.readIfExists(BUNDLE, BUNDLE_CAP_BYTES).orElse(ByteString.EMPTY);
    PemBundle cas = PemBundle.parseStrict("corp.pem", CORP.pem().getBytes(UTF_8));
    BundleMerger.Merge merge = BundleMerger.merge(BUNDLE, base, cas);
    rootFs.writeAtomically(BUNDLE, merge.content(), PosixFilePermissions.fromString("rw-r--r--"));
  }

  private static Arguments attack(String name, Class<? extends IOException> expected, Attack a) {
    return Arguments.of(name, expected, a);
  }

  private static Path hostOf(Path root, String containerPath) {
    return root.resolve(containerPath.substring(1));
  }

  private static void link(Path root, String containerPath, String target) throws IOException {
    Files.createSymbolicLink(hostOf(root, containerPath), Path.of(target));
  }

  private static void sparse(Path file, long size) throws IOException {
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
    try (SeekableByteChannel channel = Files.newByteChannel(file, options)) {
      channel.position(size - 1).write(ByteBuffer.wrap(new byte[1]));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    PathResolverPropertyTest.deleteTree(dir);
  }

  /** SHA-256 of every regular file below {@code dir} (symlinks not followed), by relative path. */
  private static Map<String, String> hashes(Path dir) throws IOException {
    Map<String, String> hashes = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        if (Files.size(p) > (1 << 20)) {
          hashes.put(dir.relativize(p).toString(), "size " + Files.size(p));
          continue;
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        hashes.put(
            dir.relativize(p).toString(),
            HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return hashes;
  }
}
