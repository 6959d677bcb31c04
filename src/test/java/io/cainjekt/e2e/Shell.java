// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the e2e/ scripts and small host commands for the fixtures. Thread-safe (stateless). */
public final class Shell {

  private Shell() {}

  /** Starts {@code command} with stdin from /dev/null and stdout+stderr into {@code out}. */
  static Process start(List<String> command, Path out) throws IOException {
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .start();
  }

  /**
   * Runs {@code command}, waits at most {@code timeout}, returns its combined output; a non-zero
   * exit or a timeout throws with the output in the message.
   */
  public static String run(Duration timeout, List<String> command) {
    Path out = null;
    try {
      out = Files.createTempFile("cainjekt-e2e-", ".out");
      Process p = start(command, out);
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly().waitFor();
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (!done || p.exitValue() != 0) {
        throw new IllegalStateException(
            "%s %s: %s".formatted(command, done ? "exited " + p.exitValue() : "timed out", output));
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }
}
