// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds (or finds cached) test images by running {@code e2e/images/build.sh} and parses its result
 * lines ({@code name=.. key=.. rootfs=.. archive=..|- image=..}). Needs root. Thread-safe:
 * concurrent builds serialize on the script's own lock.
 */
public final class TestImages {

  /** Every image build.sh knows, base first. */
  public static final List<String> ALL =
      List.of("debian-tls", "rhel-tls", "alpine-tls", "suse-tls", "arch-tls");

  /** A cold build of all five takes about two minutes on 2 vCPUs; leave room for slow mirrors. */
  private static final Duration BUILD_LIMIT = Duration.ofMinutes(20);

  private TestImages() {}

  /**
   * Runs {@code REPO/e2e/images/build.sh [--no-archive] NAME...} and returns the images by name, in
   * the order asked. Progress goes to {@code target/e2e-images-build.log}.
   */
  public static Map<String, TestImage> build(Path repo, List<String> names, boolean archives)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(repo.resolve("e2e/images/build.sh").toString());
    if (!archives) {
      command.add("--no-archive");
    }
    command.addAll(names);
    Path target = Files.createDirectories(repo.resolve("target"));
    Path log = target.resolve("e2e-images-build.log");
    Path out = target.resolve("e2e-images-build.out");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(repo.toFile())
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // build.sh compiles the image's Java probe: hand it the JDK running the tests
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    int exit = TimedProcess.run(builder, BUILD_LIMIT);
    if (exit != 0) {
      throw new IOException("build images " + names + ": build.sh exit " + exit + ", see " + log);
    }
    return parse(Files.readString(out, StandardCharsets.UTF_8));
  }

  /** Parses build.sh's stdout. */
  static Map<String, TestImage> parse(String out) {
    Map<String, TestImage> images = new LinkedHashMap<>();
    for (String line : out.strip().split("\n")) {
      Map<String, String> fields = new HashMap<>();
      for (String field : line.strip().split(" ")) {
        int eq = field.indexOf('=');
        if (eq <= 0) {
          throw new UncheckedIOException(
              new IOException("build.sh printed an unexpected line: " + line));
        }
        fields.put(field.substring(0, eq), field.substring(eq + 1));
      }
      String archive = fields.get("archive");
      TestImage image =
          new TestImage(
              fields.get("name"),
              fields.get("key"),
              Path.of(fields.get("rootfs")),
              archive.equals("-") ? Optional.empty() : Optional.of(Path.of(archive)),
              fields.get("image"));
      images.put(image.name(), image);
    }
    return images;
  }
}
