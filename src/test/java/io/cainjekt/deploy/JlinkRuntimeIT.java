// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static io.cainjekt.deploy.DeployTools.BASEDIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds the image's runtime locally with deploy/image/jlink.sh (the Dockerfile's jdeps, jlink and
 * AOT steps) and runs the packaged jar on it: --help, version, a probe of logging, metrics, HTTP
 * and JSON, plus size and start-time measurements written to target/jlink-runtime.txt.
 */
class JlinkRuntimeIT {

  private static final Path JRE = BASEDIR.resolve("target/jre");
  private static final Path AOT = BASEDIR.resolve("target/cainjekt.aot");
  private static final Path JAR = BASEDIR.resolve("target/cainjekt.jar");
  private static final Path JAVA = JRE.resolve("bin/java");
  private static final int RUNS = 5;

  @BeforeAll
  static void link() throws Exception {
    DeployTools.Run run =
        DeployTools.exec(List.of("bash", BASEDIR.resolve("deploy/image/jlink.sh").toString()));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
  }

  @Test
  void theRuntimeHoldsOnlyTheModulesTheJarUses() throws Exception {
    List<String> modules = Files.readAllLines(JRE.resolve("cainjekt-modules.txt"));
    assertThat(modules)
        .contains("java.base", "jdk.httpserver", "java.net.http", "jdk.management")
        .doesNotContain("java.desktop", "java.sql", "jdk.compiler", "jdk.jshell");
    assertThat(JRE.resolve("lib/server/classes.jsa")).doesNotExist();
    DeployTools.Run listed = DeployTools.exec(List.of(JAVA.toString(), "--list-modules"));
    assertThat(listed.stdout()).doesNotContain("java.desktop", "jdk.compiler");
  }

  @Test
  void helpAndVersionRunOnTheLinkedRuntimeWithTheAotCache() throws Exception {
    DeployTools.Run help = java(true, "-jar", JAR.toString(), "--help");
    assertThat(help.exitCode()).as(help.stderr()).isZero();
    assertThat(help.stdout()).contains("Usage: cainjekt", "version", "inspect");

    DeployTools.Run version = java(true, "-jar", JAR.toString(), "version");
    assertThat(version.exitCode()).as(version.stderr()).isZero();
    assertThat(version.stdout()).containsPattern("cainjekt \\S+\\njava 25");
  }

  @Test
  void binCainjektRunsOnTheRuntimeNamedByCainjektJavaHome() throws Exception {
    DeployTools.Run run =
        DeployTools.exec(
            List.of(BASEDIR.resolve("bin/cainjekt").toString(), "version"),
            Map.of(
                "CAINJEKT_JAVA_HOME",
                JRE.toString(),
                "JAVA_OPTS",
                "-XX:AOTMode=on -XX:AOTCache=" + AOT));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("java 25");

    DeployTools.Run missing =
        DeployTools.exec(
            List.of(BASEDIR.resolve("bin/cainjekt").toString(), "version"),
            Map.of("CAINJEKT_JAVA_HOME", BASEDIR.resolve("target/no-such-jre").toString()));
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("has no bin/java");
  }

  @Test
  void loggingMetricsHttpAndJsonWorkOnTheLinkedRuntime() throws Exception {
    String classpath = JAR + ":" + BASEDIR.resolve("target/test-classes");
    DeployTools.Run probe = java(false, "-cp", classpath, RuntimeProbe.class.getName());
    assertThat(probe.exitCode()).as(probe.stdout() + probe.stderr()).isZero();
    assertThat(probe.stdout()).contains("probe ok");
  }

  @Test
  void sizeAndStartTimeAreMeasured() throws Exception {
    long bytes;
    try (Stream<Path> files = Files.walk(JRE)) {
      bytes = files.filter(Files::isRegularFile).mapToLong(JlinkRuntimeIT::size).sum();
    }
    Duration withAot = medianStart(true);
    Duration withoutAot = medianStart(false);
    String report =
        String.format(
            "runtime %s: %.1f MiB (%d files)%naot cache %s: %.1f MiB%njar: %.1f MiB%n"
                + "start to exit of 'version', median of %d: %d ms with AOT cache, %d ms with"
                + " the plain runtime (load average %.1f)%n",
            JRE,
            bytes / 1048576.0,
            Files.walk(JRE).count(),
            AOT,
            Files.size(AOT) / 1048576.0,
            Files.size(JAR) / 1048576.0,
            RUNS,
            withAot.toMillis(),
            withoutAot.toMillis(),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
    Files.writeString(BASEDIR.resolve("target/jlink-runtime.txt"), report, StandardCharsets.UTF_8);
    System.out.print(report);
    assertThat(bytes).as("runtime size").isLessThan(56L << 20);
    assertThat(Files.size(AOT)).as("AOT cache size").isLessThan(32L << 20);
    // a sanity bound only: this machine's 2 cores are shared, so wall time is noisy
    assertThat(withAot).as("start with AOT cache").isLessThan(Duration.ofSeconds(10));
  }

  private static Duration medianStart(boolean aot) throws Exception {
    List<Duration> times = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      DeployTools.Run run = java(aot, "-jar", JAR.toString(), "version");
      times.add(Duration.ofNanos(System.nanoTime() - start));
      assertThat(run.exitCode()).as(run.stderr()).isZero();
    }
    return times.stream().sorted().toList().get(RUNS / 2);
  }

  /** Runs the linked java; with {@code aot} the cache must load (AOTMode=on fails otherwise). */
  private static DeployTools.Run java(boolean aot, String... args)
      throws IOException, InterruptedException {
    // the options every launcher passes; an AOT cache is only used with the options it was made
    // with
    List<String> command =
        new ArrayList<>(List.of(JAVA.toString(), "@" + BASEDIR.resolve("bin/jvm.options")));
    if (aot) {
      command.addAll(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + AOT));
    }
    command.addAll(List.of(args));
    return DeployTools.exec(command);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new IllegalStateException("size of " + file, e);
    }
  }
}
