// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.images;

import java.util.Objects;

/** Exit code and captured output of a command run in an image. */
public record ExecResult(int exitCode, String stdout, String stderr) {
  public ExecResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }
}
