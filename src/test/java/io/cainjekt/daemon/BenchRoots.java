// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.e2e.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the in-process benchmarks take from the machine: e2e image roots, fixtures, mount(8). */
final class BenchRoots {

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private BenchRoots() {}

  /** The cached root of e2e image {@code name}, built first when missing (needs root). */
  static Path rootfs(Path basedir, String name) throws IOException {
    String script = basedir.resolve("e2e/images/build.sh").toString();
    String out = Shell.run(BUILD_TIMEOUT, List.of(script, "--no-archive", name));
    for (String field : out.split("\\s+")) {
      if (field.startsWith("rootfs=")) {
        return Path.of(field.substring("rootfs=".length()));
      }
    }
    throw new IOException("e2e/images/build.sh printed no rootfs for " + name + ": " + out);
  }

  /** A test resource's bytes. */
  static byte[] resource(String name) throws IOException {
    try (InputStream in = BenchRoots.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  /** Runs a short command such as mount(8); its output, or an exception naming it. */
  static String run(String... command) {
    return Shell.run(COMMAND_TIMEOUT, List.of(command));
  }
}
