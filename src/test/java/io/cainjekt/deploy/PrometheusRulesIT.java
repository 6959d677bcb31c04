// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static io.cainjekt.deploy.DeployTools.BASEDIR;
import static io.cainjekt.deploy.DeployTools.KUSTOMIZE;
import static io.cainjekt.deploy.Manifests.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every alert of the chart's PrometheusRule and of the kustomize monitoring manifests, checked and
 * unit-tested with {@code promtool} (Debian's prometheus package, unpacked by e2e/install.sh) on
 * the cases in src/test/resources/promtool/alerts-test.yaml.
 */
class PrometheusRulesIT {

  /** Where e2e/install.sh unpacks Debian's prometheus package. */
  static final Path PROMTOOL = Path.of("/var/cache/cainjekt-e2e/prometheus/usr/bin/promtool");

  private static final Path TESTS = BASEDIR.resolve("src/test/resources/promtool/alerts-test.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  @Test
  void theChartsAlertsPassTheirPromtoolTests() throws Exception {
    List<JsonNode> docs = DeployTools.template("--set", "prometheusRule.enabled=true");
    promtoolTest(ofKind(docs, "PrometheusRule").getFirst());
  }

  @Test
  void theKustomizeAlertsPassTheirPromtoolTests() throws Exception {
    List<JsonNode> docs =
        DeployTools.parse(Files.readString(KUSTOMIZE.resolve("monitoring/monitoring.yaml")));
    promtoolTest(ofKind(docs, "PrometheusRule").getFirst());
  }

  @Test
  void withoutKubeStateMetricsTheNotReadyAlertCanBeLeftOut() throws Exception {
    List<JsonNode> docs =
        DeployTools.template(
            "--set", "prometheusRule.enabled=true",
            "--set", "prometheusRule.pluginNotReady.enabled=false");
    assertThat(alerts(ofKind(docs, "PrometheusRule").getFirst().path("spec")))
        .doesNotContain("CainjektPluginNotReady")
        .hasSize(5);
  }

  /** Checks the rule's groups and runs the test file; every alert must have a firing case. */
  private void promtoolTest(JsonNode prometheusRule) throws Exception {
    assertThat(PROMTOOL).as("promtool; run e2e/install.sh as root").isExecutable();
    JsonNode spec = prometheusRule.path("spec");
    ObjectNode rules = YAML.createObjectNode();
    rules.set("groups", spec.path("groups"));
    Path rulesFile = dir.resolve("rules.yaml");
    YAML.writeValue(rulesFile.toFile(), rules);
    Path tests = Files.copy(TESTS, dir.resolve("alerts-test.yaml"));

    DeployTools.Run check =
        DeployTools.exec(List.of(PROMTOOL.toString(), "check", "rules", rulesFile.toString()));
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    DeployTools.Run test =
        DeployTools.exec(List.of(PROMTOOL.toString(), "test", "rules", tests.toString()));
    assertThat(test.exitCode()).as(test.stdout() + test.stderr()).isZero();
    assertThat(test.stdout()).contains("SUCCESS");

    assertThat(firingCases()).containsExactlyInAnyOrderElementsOf(alerts(spec));
  }

  private static Set<String> alerts(JsonNode spec) {
    Set<String> names = new TreeSet<>();
    spec.findValues("alert").forEach(a -> names.add(a.asText()));
    return names;
  }

  /** Alert names with at least one expected firing alert in the test file. */
  private static Set<String> firingCases() throws Exception {
    Set<String> names = new TreeSet<>();
    for (JsonNode test : YAML.readTree(TESTS.toFile()).path("tests")) {
      for (JsonNode c : test.path("alert_rule_test")) {
        if (!c.path("exp_alerts").isEmpty()) {
          names.add(c.path("alertname").asText());
        }
      }
    }
    return names;
  }
}
