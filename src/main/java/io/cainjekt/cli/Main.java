// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cainjekt} command: dispatches to the subcommands of docs/architecture.md, "Command
 * line".
 */
@Command(
    name = "cainjekt",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // -h/--help and -V/--version on every subcommand too
    versionProvider = VersionCommand.Provider.class,
    description = "Injects enterprise CAs into opted-in containers through containerd's NRI.",
    subcommands = {
      RunCommand.class,
      InjectCommand.class,
      InspectCommand.class,
      DemoCommand.class,
      VersionCommand.class
    })
public final class Main implements Runnable {

  /** Exit code for success. */
  public static final int EXIT_OK = 0;

  /** Exit code for a runtime failure. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code for bad usage or configuration. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /** Builds the command line with our exit-code mapping; tests use it without exiting. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** Builds the command line reading flag defaults from {@code env} (CAINJEKT_*). */
  static CommandLine commandLine(java.util.Map<String, String> env) {
    return new CommandLine(new Main())
        .setDefaultValueProvider(new EnvDefaults(env))
        .setExitCodeExceptionMapper(e -> EXIT_FAILURE)
        .setParameterExceptionHandler(
            (e, args) -> {
              CommandLine cmd = e.getCommandLine();
              cmd.getErr().println("cainjekt: " + e.getMessage());
              cmd.getErr().println("try '" + cmd.getCommandSpec().qualifiedName() + " --help'");
              return EXIT_USAGE;
            });
  }

  /** Process entry point. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
