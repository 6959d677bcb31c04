// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Container paths made of hostile shapes (long {@code ..} chains, absolute links to {@code /} and
 * {@code /proc}, parents symlinked to {@code /}, two-link loops, 255- and 256-byte names, deep and
 * 4 KiB paths) resolved, read and written in one fixed hostile root next to a host sentinel:
 * nothing ever resolves outside the root (checked on the real path), every failure is an {@link
 * IOException}, and the sentinel directory beside the root never changes.
 */
class RootFsHostileShapesTest {

  private static Path base;
  private static Path root;
  private static Path sentinel;
  private static RootFs rootFs;

  @BeforeContainer
  static void buildHostileRoot() throws IOException {
    base = Files.createTempDirectory("rootfs-hostile");
    root = Files.createDirectories(base.resolve("root"));
    sentinel = Files.createDirectories(base.resolve("host"));
    Files.writeString(sentinel.resolve("cert.pem"), "host file");
    Files.createDirectories(root.resolve("etc/ssl"));
    Files.createDirectories(root.resolve("proc/self"));
    Files.createSymbolicLink(root.resolve("etc/ssl/certs"), Path.of("/proc"));
    Files.createSymbolicLink(root.resolve("abs"), Path.of("/"));
    Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../../.."));
    Files.createSymbolicLink(root.resolve("host"), Path.of("../host"));
    Files.createSymbolicLink(root.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(root.resolve("loop2"), Path.of("/loop1"));
    Files.createSymbolicLink(root.resolve("proc/self/root"), Path.of("/proc/self/root"));
    Files.createSymbolicLink(root.resolve("etc/parent"), Path.of(".."));
    rootFs = RootFs.open(root);
  }

  @AfterContainer
  static void removeHostileRoot() throws IOException {
    PathResolverPropertyTest.deleteTree(base);
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> token =
        Arbitraries.of(
            "..",
            ".",
            "",
            "abs",
            "up",
            "host",
            "loop1",
            "etc",
            "ssl",
            "certs",
            "parent",
            "proc",
            "self",
            "root",
            "cert.pem",
            "a".repeat(255),
            "b".repeat(256),
            "x\u0000y",
            "\u00e9");
    Arbitrary<String> shaped = token.list().ofMaxSize(40).map(t -> "/" + String.join("/", t));
    Arbitrary<String> long4k = Arbitraries.of("/" + "../".repeat(1400) + "host/cert.pem");
    return Arbitraries.oneOf(shaped, shaped, shaped, long4k);
  }

  @Property(tries = 400)
  void hostilePathsStayInsideTheRootAndNeverTouchTheHost(@ForAll("paths") String path) {
    byte[] before = snapshot();
    try {
      ResolvedPath resolved = rootFs.resolve(path);
      assertThat(resolved.hostPath().normalize()).startsWithRaw(root);
      if (resolved.exists()) {
        assertThat(resolved.hostPath().toRealPath()).startsWithRaw(root.toRealPath());
      }
      rootFs.readIfExists(path, 1024);
      rootFs.writeAtomically(
          path, ByteString.copyFromUtf8("x"), PosixFilePermissions.fromString("rw-r--r--"));
      assertThat(rootFs.resolve(path).hostPath().toRealPath()).startsWithRaw(root.toRealPath());
    } catch (IOException expected) {
      // refused: a loop, a non-directory on the way, a missing parent, a name too long
    }
    assertThat(snapshot()).as("host sentinel after %s", path).isEqualTo(before);
  }

  private static byte[] snapshot() {
    try (Stream<Path> files = Files.list(sentinel)) {
      List<Path> all = files.sorted().toList();
      StringBuilder out = new StringBuilder();
      for (Path p : all) {
        out.append(p).append('=').append(Files.readString(p)).append('\n');
      }
      try (Stream<Path> top = Files.list(base)) {
        out.append(top.sorted().toList());
      }
      return out.toString().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
