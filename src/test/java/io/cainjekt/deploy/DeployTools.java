// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code helm} and {@code kubectl} as fetched by {@code deploy/tools.sh} (cached outside the
 * repository) and parses their YAML output into one tree per manifest.
 */
final class DeployTools {

  static final Path BASEDIR = Path.of(System.getProperty("cainjekt.basedir", ".")).toAbsolutePath();
  static final Path CHART = BASEDIR.resolve("deploy/helm/cainjekt");
  static final Path KUSTOMIZE = BASEDIR.resolve("deploy/kustomize");

  /**
   * The values the kustomize manifests are rendered with: one bundle from the ConfigMap {@code
   * cainjekt-ca}. The chart has no default CA, so every rendering starts from these; a {@code --set
   * bundles[...]} replaces the whole list.
   */
  static final Path BASE_VALUES = KUSTOMIZE.resolve("values.yaml");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static Path toolsDir;

  private DeployTools() {}

  /** Result of one tool run. */
  record Run(int exitCode, String stdout, String stderr) {}

  static synchronized Path toolsDir() throws IOException, InterruptedException {
    if (toolsDir == null) {
      Run run = exec(List.of("bash", BASEDIR.resolve("deploy/tools.sh").toString()));
      if (run.exitCode() != 0) {
        throw new IllegalStateException("deploy/tools.sh failed: " + run.stderr());
      }
      toolsDir = Path.of(run.stdout().strip());
    }
    return toolsDir;
  }

  static Run helm(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(toolsDir().resolve("helm").toString()));
    command.addAll(List.of(args));
    return exec(command);
  }

  static Run kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(toolsDir().resolve("kubectl").toString()));
    command.addAll(List.of(args));
    return exec(command);
  }

  static Run exec(List<String> command) throws IOException, InterruptedException {
    return exec(command, java.util.Map.of());
  }

  static Run exec(List<String> command, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("cainjekt-tool", ".out");
    Path err = Files.createTempFile("cainjekt-tool", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(BASEDIR.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Every non-empty document of a multi-document YAML stream. */
  static List<JsonNode> parse(String yaml) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && !node.isNull() && !node.isEmpty()) {
          documents.add(node);
        }
      }
    }
    return documents;
  }

  /**
   * Renders the chart with {@link #BASE_VALUES} and then {@code --set}/{@code -f} arguments; fails
   * the test on error.
   */
  static List<JsonNode> template(String... valueArgs) throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "template",
                "cainjekt",
                CHART.toString(),
                "-n",
                "cainjekt",
                "-f",
                BASE_VALUES.toString()));
    args.addAll(List.of(valueArgs));
    Run run = helm(args.toArray(String[]::new));
    if (run.exitCode() != 0) {
      throw new AssertionError("helm template " + List.of(valueArgs) + " failed: " + run.stderr());
    }
    return parse(run.stdout());
  }
}
