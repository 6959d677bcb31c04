// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random symlink graphs: the resolved host path never leaves the root, no resolved component is a
 * symlink, and (as root) the result equals the kernel's own resolution inside {@code chroot ROOT};
 * for a root opened for one injection too, whose lookups are remembered.
 */
class PathResolverPropertyTest {

  private static Path oracleScript;
  private static Process oracle;
  private static Writer oracleIn;
  private static BufferedReader oracleOut;

  @BeforeContainer
  static void startOracle() throws IOException {
    Path script = Files.createTempFile("chroot-stat", ".py");
    oracleScript = script;
    try (InputStream in =
        PathResolverPropertyTest.class.getResourceAsStream("/rootfs/chroot-stat.py")) {
      Files.write(script, in.readAllBytes());
    }
    String python =
        Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    oracle = new ProcessBuilder(python, script.toString()).redirectErrorStream(true).start();
    oracleIn = new java.io.OutputStreamWriter(oracle.getOutputStream(), StandardCharsets.UTF_8);
    oracleOut =
        new BufferedReader(new InputStreamReader(oracle.getInputStream(), StandardCharsets.UTF_8));
  }

  @AfterContainer
  static void stopOracle() throws IOException {
    oracle.destroy();
    Files.deleteIfExists(oracleScript);
  }

  @Provide
  Arbitrary<RandomTree> trees() {
    return RandomTree.trees();
  }

  @Provide
  Arbitrary<List<String>> paths() {
    return RandomTree.containerPaths().list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 200)
  void resolvedPathsNeverLeaveTheRootNorPassASymlink(
      @ForAll("trees") RandomTree tree, @ForAll("paths") List<String> paths) throws IOException {
    inTree(tree, paths, PathResolverPropertyTest::checkConfined);
  }

  @Property(tries = 200)
  void resolutionMatchesTheKernelInsideChroot(
      @ForAll("trees") RandomTree tree, @ForAll("paths") List<String> paths) throws IOException {
    inTree(
        tree,
        paths,
        (root, rootFs, path) -> {
          String kernel = kernelStat(root, path);
          Statistics.label("kernel").collect(kernel.split(" ")[0]);
          assertThat(ours(rootFs, path)).as("resolve %s in tree %s", path, tree).isEqualTo(kernel);
        });
  }

  /** One check of one container path in a built tree. */
  private interface PathCheck {
    void check(Path root, RootFs rootFs, String path) throws IOException;
  }

  private static void inTree(RandomTree tree, List<String> paths, PathCheck check)
      throws IOException {
    Path root = Files.createTempDirectory("rootfs-prop");
    try {
      tree.build(root);
      RootFs direct = RootFs.open(root);
      for (String path : paths) {
        check.check(root, direct, path);
      }
      // an injection's root remembers its lookups: every answer, first or remembered, is the same
      RootFs remembering = RootFs.openForInjection(root);
      for (int pass = 0; pass < 2; pass++) {
        for (String path : paths) {
          check.check(root, remembering, path);
        }
      }
    } finally {
      deleteTree(root);
    }
  }

  private static void checkConfined(Path root, RootFs rootFs, String path) throws IOException {
    ResolvedPath resolved;
    try {
      resolved = rootFs.resolve(path);
    } catch (RootfsEscapeException e) {
      return;
    }
    assertThat(resolved.hostPath().normalize()).startsWithRaw(root);
    Path prefix = root;
    for (Path name : root.relativize(resolved.hostPath())) {
      prefix = prefix.resolve(name);
      if (!Files.exists(prefix, LinkOption.NOFOLLOW_LINKS)) {
        assertThat(resolved.exists()).isFalse();
        return;
      }
      assertThat(Files.isSymbolicLink(prefix)).as("%s via %s", prefix, path).isFalse();
    }
  }

  /** Our answer in the oracle's vocabulary. */
  private static String ours(RootFs rootFs, String path) throws IOException {
    try {
      ResolvedPath resolved = rootFs.resolve(path);
      if (!resolved.exists()) {
        return "ENOENT";
      }
      Object dev = Files.getAttribute(resolved.hostPath(), "unix:dev", LinkOption.NOFOLLOW_LINKS);
      Object ino = Files.getAttribute(resolved.hostPath(), "unix:ino", LinkOption.NOFOLLOW_LINKS);
      return "ok " + dev + " " + ino;
    } catch (RootfsEscapeException e) {
      return e.getMessage().contains("symlink hops") ? "ELOOP" : "ENOTDIR";
    }
  }

  private static String kernelStat(Path root, String path) {
    try {
      oracleIn.write(root + "\t" + path + "\n");
      oracleIn.flush();
      return oracleOut.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
