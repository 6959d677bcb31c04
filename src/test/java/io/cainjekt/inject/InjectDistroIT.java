// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.images.TestImages;
import io.cainjekt.inject.os.Distro;
import io.cainjekt.rootfs.RootFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 4's proof, per distro family, on the e2e image rootfs of that family (built by
 * e2e/images/build.sh): a copy of the rootfs goes through the packaged {@code cainjekt inject};
 * then {@code openssl verify} with every rewritten OS bundle and with the staged ca-bundle.pem
 * accepts a CorpCA-signed and a FakePublicRoot-signed leaf, the hashed directory (where the family
 * has one) does too, and JDK 17 and JDK 25 accept both leaves through truststore.p12 and through
 * the distro's rewritten Java store. Before injection the CorpCA leaf is rejected (the control).
 */
class InjectDistroIT {

  private static final Path BASEDIR = Path.of(System.getProperty("cainjekt.basedir", "."));
  private static final Path JAR =
      Path.of(System.getProperty("cainjekt.jar", "target/cainjekt.jar"));
  private static final Path PKI = BASEDIR.resolve("src/test/resources/pki");
  private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
  private static final Path JDK25 = Path.of(System.getProperty("java.home"));

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "debian-tls, debian",
    "rhel-tls, rhel",
    "alpine-tls, alpine",
    "suse-tls, suse",
    "arch-tls, arch"
  })
  void injectMakesOpenSslAndBothJdksTrustCorpCaAndPublicRoots(String image, String family)
      throws Exception {
    Path rootfs = tmp.resolve("rootfs");
    run(List.of("cp", "-a", "--", build(image).toString(), rootfs.toString()), 0);
    Distro distro = Distro.TABLE.stream().filter(d -> d.family().equals(family)).findFirst().get();
    RootFs root = RootFs.open(rootfs);
    Path corpLeaf = PKI.resolve("corp-ca-leaf.crt");
    Path publicLeaf = PKI.resolve("fake-public-root-leaf.crt");
    List<Path> bundles = existing(root, distro.bundleFiles());
    assertThat(bundles).as("%s has a %s bundle", image, family).isNotEmpty();
    assertThat(verify("-CAfile", bundles.getFirst(), corpLeaf))
        .as("control: not yet trusted")
        .isFalse();

    String out =
        run(
            List.of(
                JDK25.resolve("bin/java").toString(),
                "-jar",
                JAR.toString(),
                "inject",
                "--rootfs",
                rootfs.toString(),
                "--ca-bundle",
                PKI.resolve("corp-ca.crt").toString(),
                "--json"),
            0);
    assertThat(out).contains("\"family\": \"" + family + "\"").contains("\"errors\": []");

    List<Path> caFiles = new ArrayList<>(existing(root, distro.bundleFiles()));
    caFiles.add(rootfs.resolve("etc/cainjekt/ca-bundle.pem"));
    for (Path caFile : caFiles) {
      for (Path leaf : List.of(corpLeaf, publicLeaf)) {
        assertThat(verify("-CAfile", caFile, leaf)).as("%s trusts %s", caFile, leaf).isTrue();
      }
    }
    if (distro.hashedDir().isPresent() && root.isDirectory(distro.hashedDir().get())) {
      Path dir = root.resolve(distro.hashedDir().get()).hostPath();
      if (hasHashLinks(dir)) {
        assertThat(verify("-CApath", dir, corpLeaf)).as("hashed dir %s", dir).isTrue();
      }
    }
    Path truststore = rootfs.resolve("etc/cainjekt/truststore.p12");
    for (Path jdk : List.of(JDK17, JDK25)) {
      javaTrusts(jdk, truststore, corpLeaf, publicLeaf);
      for (Path store : existing(root, distro.javaStores())) {
        javaTrusts(jdk, store, corpLeaf, publicLeaf);
      }
    }
  }

  private static List<Path> existing(RootFs root, List<String> containerPaths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String p : containerPaths) {
      if (root.isRegularFile(p) && !out.contains(root.resolve(p).hostPath())) {
        out.add(root.resolve(p).hostPath());
      }
    }
    return out;
  }

  private static boolean hasHashLinks(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.anyMatch(p -> p.getFileName().toString().matches("[0-9a-f]{8}\\.[0-9]+"));
    }
  }

  private boolean verify(String option, Path cas, Path leaf) throws Exception {
    // -no-CApath/-no-CAfile keep the host's own store out of the check
    String other = option.equals("-CAfile") ? "-no-CApath" : "-no-CAfile";
    return OpenSsl.run(tmp, "verify", other, option, cas.toString(), leaf.toString()).exitCode()
        == 0;
  }

  private static void javaTrusts(Path jdk, Path store, Path... leaves) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(jdk.resolve("bin/java").toString());
    cmd.add("-Djavax.net.ssl.trustStore=" + store);
    cmd.add(BASEDIR.resolve("src/test/resources/inject/TrustCheck.java").toString());
    for (Path leaf : leaves) {
      cmd.add(leaf.toString());
    }
    run(cmd, 0);
  }

  /** Builds (or reuses from the cache) the image's rootfs; returns its directory. */
  private static Path build(String image) throws Exception {
    return TestImages.build(BASEDIR, List.of(image), false).get(image).rootfs();
  }

  private static String run(List<String> command, int expectedExit) throws Exception {
    Path errFile = Files.createTempFile("cainjekt-it", ".stderr");
    Process p =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(errFile.toFile()))
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.MINUTES)).isTrue();
    String errText = Files.readString(errFile);
    Files.delete(errFile);
    assertThat(p.exitValue())
        .as("%s\nstdout: %s\nstderr: %s", command, out, errText)
        .isEqualTo(expectedExit);
    return out;
  }
}
