// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.images;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs a prepared {@link ProcessBuilder} with stdin from /dev/null and a time limit. */
final class TimedProcess {

  private TimedProcess() {}

  /**
   * Starts {@code builder} (its output redirections already set), waits at most {@code limit}, and
   * returns the exit code; a process still running then is killed and reported.
   */
  static int run(ProcessBuilder builder, Duration limit) throws IOException, InterruptedException {
    Process process =
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new InterruptedIOException(
          "still running after " + limit + ", killed: " + builder.command());
    }
    return process.exitValue();
  }
}
