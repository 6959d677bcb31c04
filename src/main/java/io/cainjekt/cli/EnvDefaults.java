// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Environment form of every flag: {@code --nri-socket} is also {@code CAINJEKT_NRI_SOCKET}. A flag
 * on the command line wins; without either the option's own default applies. {@code --help} and
 * {@code --version} have no environment form, nor has a hidden flag (benchmarks only), so that a
 * variable in a pod's environment cannot set it.
 */
final class EnvDefaults implements CommandLine.IDefaultValueProvider {

  private final Map<String, String> env;

  EnvDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The variable name of a flag, e.g. {@code CAINJEKT_PLUGIN_INDEX} for --plugin-index. */
  static String variable(String longName) {
    return "CAINJEKT_"
        + longName.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (argSpec instanceof OptionSpec option
        && option.longestName().startsWith("--")
        && !option.usageHelp()
        && !option.versionHelp()
        && !option.hidden()) {
      String value = env.get(variable(option.longestName()));
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return argSpec.defaultValue();
  }
}
