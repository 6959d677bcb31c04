// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cainjekt version}: prints the build version and the Java runtime. */
@Command(name = "version", description = "Print the version and exit.")
final class VersionCommand implements Callable<Integer> {

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(String.join("\n", new Provider().getVersion()));
    return Main.EXIT_OK;
  }

  /** Version lines shared by {@code version} and {@code --version}. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "cainjekt " + (version == null ? "dev" : version),
        "java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"
      };
    }
  }
}
