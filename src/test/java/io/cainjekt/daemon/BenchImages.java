// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** What the in-process benchmarks take from the machine: e2e image roots, fixtures, mount(8). */
final class BenchImages {

  private BenchImages() {}

  /** The cached root of e2e image {@code name}, built first when missing (needs root). */
  static Path rootfs(Path basedir, String name) throws IOException, InterruptedException {
    String out = run(basedir.resolve("e2e/images/build.sh").toString(), "--no-archive", name);
    for (String field : out.strip().split(" ")) {
      if (field.startsWith("rootfs=")) {
        return Path.of(field.substring("rootfs=".length()));
      }
    }
    throw new IOException("e2e/images/build.sh printed no rootfs for " + name + ": " + out);
  }

  /** A test resource's bytes. */
  static byte[] resource(String name) throws IOException {
    try (InputStream in = BenchImages.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  /** Runs a command; its stdout, or an IOException with its output when it fails. */
  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(false).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + err.strip());
    }
    return out;
  }
}
