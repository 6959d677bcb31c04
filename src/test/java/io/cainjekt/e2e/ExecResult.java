// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.nio.charset.StandardCharsets;

/** Result of a CRI ExecSync: exit code and both output streams. */
public record ExecResult(int exitCode, byte[] stdoutBytes, byte[] stderrBytes) {

  /** Stdout decoded as UTF-8. */
  public String stdout() {
    return new String(stdoutBytes, StandardCharsets.UTF_8);
  }

  /** Stderr decoded as UTF-8. */
  public String stderr() {
    return new String(stderrBytes, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ExecResult[exit=" + exitCode + ", stdout=" + stdout() + ", stderr=" + stderr() + "]";
  }
}
