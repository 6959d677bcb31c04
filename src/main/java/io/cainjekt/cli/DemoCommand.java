// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cainjekt demo}: brings up a private containerd with NRI (installing it from Debian when
 * missing), starts the plugin, runs an opted-in and a plain pod and prints which TLS clients trust
 * the demo CA. It drives the end-to-end harness, so it runs from a source checkout (the jar in
 * {@code <checkout>/target}) as root on a Debian machine.
 */
@Command(
    name = "demo",
    description =
        "Run a local containerd with NRI, the plugin and two pods, and show which TLS clients"
            + " trust the demo CA (source checkout, root, Debian).")
final class DemoCommand implements Callable<Integer> {

  /** The harness entry point, in the test sources. */
  static final String DEMO_MAIN = "io.cainjekt.e2e.inject.Demo";

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Optional<Path> checkout = checkout();
    if (checkout.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "cainjekt demo: needs the source checkout the jar was built in (with ./mvnw);"
                  + " run bin/cainjekt demo there");
      return Main.EXIT_USAGE;
    }
    List<String> command =
        List.of(
            checkout.get().resolve("mvnw").toString(),
            "-B",
            "-q",
            "-DskipTests",
            "-Dspotless.check.skip",
            "test-compile",
            "exec:java",
            "-Dexec.classpathScope=test",
            "-Dexec.mainClass=" + DEMO_MAIN,
            "-Dcainjekt.basedir=" + checkout.get(),
            "-Dcainjekt.jar=" + jar().orElseThrow());
    Process p = new ProcessBuilder(command).directory(checkout.get().toFile()).inheritIO().start();
    return p.waitFor() == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
  }

  /** The checkout holding {@code mvnw} above the directory of the running jar. */
  static Optional<Path> checkout() {
    Optional<Path> jar = jar();
    if (jar.isPresent()) {
      for (Path dir = jar.get().getParent(); dir != null; dir = dir.getParent()) {
        if (Files.isExecutable(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("e2e"))) {
          return Optional.of(dir);
        }
      }
    }
    return Optional.empty();
  }

  /** The jar (or classes directory) this command runs from. */
  static Optional<Path> jar() {
    try {
      return Optional.of(
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | SecurityException e) {
      return Optional.empty(); // ignored: no usable code source means no checkout
    }
  }
}
