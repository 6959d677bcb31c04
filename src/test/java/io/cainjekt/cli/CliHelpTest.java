// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option of every command explains itself in {@code --help}: one line of description, its
 * default and its environment variable ({@link EnvDefaults}).
 */
class CliHelpTest {

  @Test
  void everyOptionOfEveryCommandHasADescriptionADefaultAndItsVariable() {
    List<String> problems = new ArrayList<>();
    for (CommandSpec command : commands(Main.commandLine(Map.of()).getCommandSpec())) {
      for (OptionSpec option : command.options()) {
        // a hidden option is for benchmarks only (run --caches-off): --help does not show it and
        // it has no environment form, so it owes operators neither
        if (!option.usageHelp() && !option.versionHelp() && !option.hidden()) {
          problems.addAll(problems(command.qualifiedName() + " " + option.longestName(), option));
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void anOptionWithoutADescriptionIsReported() {
    OptionSpec bare = OptionSpec.builder("--bare").defaultValue("x").build();

    assertThat(problems("cainjekt --bare", bare))
        .containsExactly(
            "cainjekt --bare: no description",
            "cainjekt --bare: description does not show its default (${DEFAULT-VALUE})",
            "cainjekt --bare: description does not name CAINJEKT_BARE");
  }

  @Test
  void anOptionWithoutADefaultMustSayWhatHappensWithoutIt() {
    OptionSpec none =
        OptionSpec.builder("--none").description("Something (env CAINJEKT_NONE)").build();

    assertThat(problems("cainjekt --none", none))
        .containsExactly("cainjekt --none: no default and does not say 'required' or 'default:'");
  }

  @Test
  void runHelpShowsEachDefaultAndVariableButNotTheBenchmarkOnlyOption() {
    CommandLine cl = Main.commandLine(Map.of());
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));

    assertThat(cl.execute("run", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("(default: /var/run/nri/nri.sock; env CAINJEKT_NRI_SOCKET)")
        .contains("(default: open; env CAINJEKT_FAIL_POLICY)")
        .contains("(default: info; env CAINJEKT_LOG_LEVEL)")
        .doesNotContain("${DEFAULT-VALUE}")
        .doesNotContain("--caches-off");
  }

  @Test
  void helpShowsTheDefaultAnEnvironmentVariableSets() {
    CommandLine cl = Main.commandLine(Map.of("CAINJEKT_PLUGIN_INDEX", "42"));
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));

    assertThat(cl.execute("run", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("(default: 42; env CAINJEKT_PLUGIN_INDEX)");
  }

  @Test
  void helpAndVersionHaveNoEnvironmentForm() {
    CommandLine cl = Main.commandLine(Map.of("CAINJEKT_HELP", "true", "CAINJEKT_VERSION", "true"));
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));

    assertThat(cl.execute("version")).isZero();
    assertThat(out.toString()).doesNotContain("Usage:");
  }

  /** What is missing from one option's help; empty when nothing is. */
  static List<String> problems(String name, OptionSpec option) {
    List<String> problems = new ArrayList<>();
    String[] lines = option.description();
    String text = String.join("\n", lines);
    if (text.isBlank()) {
      problems.add(name + ": no description");
    } else if (lines.length != 1 || text.contains("\n") || text.contains("%n")) {
      problems.add(name + ": description is more than one line");
    }
    if (option.defaultValue() != null) {
      // description() is rendered: ${DEFAULT-VALUE} is replaced by the default in effect
      if (!text.contains("default: " + option.defaultValueString())) {
        problems.add(name + ": description does not show its default (${DEFAULT-VALUE})");
      }
    } else if (!text.contains("required") && !text.contains("default:")) {
      problems.add(name + ": no default and does not say 'required' or 'default:'");
    }
    String variable = EnvDefaults.variable(option.longestName());
    if (!text.contains("env " + variable)) {
      problems.add(name + ": description does not name " + variable);
    }
    return problems;
  }

  private static List<CommandSpec> commands(CommandSpec root) {
    List<CommandSpec> all = new ArrayList<>();
    all.add(root);
    for (CommandLine sub : root.subcommands().values()) {
      all.addAll(commands(sub.getCommandSpec()));
    }
    return all;
  }
}
