// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code openssl} command line, the reference our outputs are checked against. */
public final class OpenSsl {

  /** Output and exit code of one run. */
  public record Result(int exitCode, String output) {}

  private OpenSsl() {}

  /** Runs openssl with these arguments in a directory; stdout and stderr merged. */
  public static Result run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
    return new Result(p.exitValue(), out);
  }

  /** Runs openssl and asserts success; returns its output. */
  public static String ok(Path dir, String... args) throws IOException, InterruptedException {
    Result r = run(dir, args);
    assertThat(r.exitCode()).as("openssl %s: %s", List.of(args), r.output()).isZero();
    return r.output();
  }
}
