// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static io.cainjekt.deploy.DeployTools.BASEDIR;
import static io.cainjekt.deploy.DeployTools.BASE_VALUES;
import static io.cainjekt.deploy.DeployTools.CHART;
import static io.cainjekt.deploy.DeployTools.helm;
import static io.cainjekt.deploy.DeployTools.template;
import static io.cainjekt.deploy.Manifests.daemonSet;
import static io.cainjekt.deploy.Manifests.ofKind;
import static io.cainjekt.deploy.Manifests.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Lints and renders the Helm chart with several value sets and checks every manifest. */
class HelmChartIT {

  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("defaults", new String[0]),
        Arguments.of(
            "monitoring",
            new String[] {
              "--set", "serviceMonitor.enabled=true",
              "--set", "prometheusRule.enabled=true",
              "--set", "grafanaDashboard.enabled=true"
            }),
        Arguments.of(
            "two inline bundles, fail closed",
            new String[] {
              "--set", "bundles[0].name=corp",
              "--set", "bundles[0].existingConfigMap=",
              "--set-string", "bundles[0].pem=-----BEGIN CERTIFICATE-----",
              "--set", "bundles[1].name=tenant-b",
              "--set", "bundles[1].existingConfigMap=tenant-b-ca",
              "--set", "plugin.failPolicy=closed",
              "--set", "plugin.annotationPrefix=ca.example.com",
              "--set", "plugin.index=20"
            }),
        Arguments.of(
            "digest, node selection, text logs",
            new String[] {
              "--set", "image.digest=sha256:" + "a".repeat(64),
              "--set", "nodeSelector.pool=apps",
              "--set", "plugin.logFormat=text",
              "--set", "plugin.logLevel=debug",
              "--set", "service.enabled=false"
            }));
  }

  @Test
  void lintPassesStrict() throws Exception {
    DeployTools.Run run = helm("lint", "--strict", CHART.toString(), "-f", BASE_VALUES.toString());
    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyRenderingKeepsLeastPrivilegeAndTheDocumentedRbac(String name, String[] values)
      throws Exception {
    List<JsonNode> docs = template(values);
    assertThat(docs).allSatisfy(d -> assertThat(d.path("apiVersion").asText()).isNotEmpty());
    Manifests.assertLeastPrivilege(docs);
    Manifests.assertRbac(docs);
    Manifests.assertNodeNameFromDownwardApi(docs);
    assertThat(ofKind(docs, "ServiceAccount")).hasSize(1);
  }

  @Test
  void bareDefaultsFailAtTemplateTimeAndSayWhatToSet() throws Exception {
    DeployTools.Run run = helm("template", "x", CHART.toString());
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr())
        .contains(
            "bundles[default]: no CA certificates: set pem to your CA certificates"
                + " (e.g. --set bundles[0].name=default --set-file bundles[0].pem=ca.pem) or existingConfigMap");
  }

  @Test
  void theDefaultBundleFromAPemFileGetsAConfigMapCreatedByTheChart() throws Exception {
    DeployTools.Run run =
        helm(
            "template",
            "cainjekt",
            CHART.toString(),
            "--set",
            "bundles[0].name=default",
            "--set-file",
            "bundles[0].pem=" + BASEDIR.resolve("src/test/resources/pki/corp-ca.crt"));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    List<JsonNode> docs = DeployTools.parse(run.stdout());
    JsonNode created = ofKind(docs, "ConfigMap").getFirst();
    assertThat(created.path("metadata").path("name").asText()).isEqualTo("cainjekt-ca-default");
    assertThat(created.path("data").path("ca.pem").asText())
        .startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(
            daemonSet(docs)
                .path("spec")
                .path("template")
                .path("spec")
                .path("volumes")
                .findValues("configMap")
                .getFirst()
                .path("name")
                .asText())
        .isEqualTo("cainjekt-ca-default");
  }

  /** YAML reads {@code index: 05} as the number 5; the plugin needs two digits (issue 23). */
  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("pluginIndexes")
  void pluginIndexIsRenderedAsTwoDigits(String set, String rendered) throws Exception {
    assertThat(texts(container(template(set.split(" "))).path("args")))
        .contains("--plugin-index=" + rendered);
  }

  static Stream<Arguments> pluginIndexes() {
    return Stream.of(
        Arguments.of("--set plugin.index=5", "05"),
        Arguments.of("--set-json plugin.index=5", "05"),
        Arguments.of("--set plugin.index=05", "05"),
        Arguments.of("--set-string plugin.index=00", "00"),
        Arguments.of("--set plugin.index=99", "99"));
  }

  @Test
  void aPodMonitorScrapesThePodsWithoutTheService() throws Exception {
    List<JsonNode> docs =
        template("--set", "service.enabled=false", "--set", "podMonitor.enabled=true");
    assertThat(ofKind(docs, "Service")).isEmpty();
    JsonNode endpoint =
        ofKind(docs, "PodMonitor").getFirst().path("spec").path("podMetricsEndpoints").get(0);
    assertThat(endpoint.path("port").asText()).isEqualTo("http");
    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
    assertThat(endpoint.path("relabelings").get(0).path("targetLabel").asText()).isEqualTo("node");
    assertThat(container(docs).path("ports").get(0).path("name").asText()).isEqualTo("http");
  }

  @Test
  void defaultsPassTheFlagsOfDesignSectionNine() throws Exception {
    JsonNode container = container(template());
    assertThat(texts(container.path("args")))
        .containsExactly(
            "run",
            "--nri-socket=/var/run/nri/nri.sock",
            "--plugin-name=cainjekt",
            "--plugin-index=10",
            "--ca-bundle=default=/etc/cainjekt-bundles/default",
            "--staging-dir=/run/cainjekt",
            "--http-address=:9443",
            "--annotation-prefix=cainjekt.io",
            "--fail-policy=open",
            "--log-format=json",
            "--log-level=info",
            "--max-bundle-certificates=5000",
            "--max-bundle-bytes=8388608");
  }

  @Test
  void everyBundleIsAMountedConfigMapPassedAsCaBundle() throws Exception {
    List<JsonNode> docs =
        template(
            "--set", "bundles[0].name=corp",
            "--set", "bundles[0].existingConfigMap=",
            "--set-string", "bundles[0].pem=-----BEGIN CERTIFICATE-----",
            "--set", "bundles[1].name=tenant-b",
            "--set", "bundles[1].existingConfigMap=tenant-b-ca");
    JsonNode pod = daemonSet(docs).path("spec").path("template").path("spec");
    assertThat(texts(container(docs).path("args")))
        .contains(
            "--ca-bundle=corp=/etc/cainjekt-bundles/corp",
            "--ca-bundle=tenant-b=/etc/cainjekt-bundles/tenant-b");
    List<String> configMaps =
        pod.path("volumes").findValues("configMap").stream()
            .map(c -> c.path("name").asText())
            .toList();
    assertThat(configMaps).containsExactly("cainjekt-ca-corp", "tenant-b-ca");
    List<JsonNode> created = ofKind(docs, "ConfigMap");
    assertThat(created).hasSize(1);
    assertThat(created.getFirst().path("metadata").path("name").asText())
        .isEqualTo("cainjekt-ca-corp");
    assertThat(created.getFirst().path("data").path("ca.pem").asText())
        .startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void monitoringObjectsReferToRealMetricsAndTheHttpPort() throws Exception {
    List<JsonNode> docs =
        template(
            "--set", "serviceMonitor.enabled=true",
            "--set", "prometheusRule.enabled=true",
            "--set", "grafanaDashboard.enabled=true");
    JsonNode monitor = ofKind(docs, "ServiceMonitor").getFirst();
    assertThat(monitor.path("spec").path("endpoints").get(0).path("port").asText())
        .isEqualTo("http");
    List<String> alerts =
        ofKind(docs, "PrometheusRule").getFirst().findValues("alert").stream()
            .map(JsonNode::asText)
            .toList();
    assertThat(alerts)
        .containsExactly(
            "CainjektInjectionErrors",
            "CainjektRuntimeDisconnected",
            "CainjektCABundleExpiring",
            "CainjektOutdatedCAContainers",
            "CainjektStartContainerSlow",
            "CainjektPluginNotReady");
    String rules = ofKind(docs, "PrometheusRule").getFirst().toString();
    assertThat(rules)
        .contains("cainjekt_errors_total", "cainjekt_runtime_connected")
        .contains("cainjekt_bundle_earliest_expiry_timestamp_seconds")
        .contains("cainjekt_outdated_ca_containers")
        .contains("< 2592000")
        .contains("> 0.04", "kube_daemonset_status_number_ready{namespace=\\\"cainjekt\\\"");
    String json =
        ofKind(docs, "ConfigMap").stream()
            .filter(c -> c.path("data").has("cainjekt.json"))
            .findFirst()
            .orElseThrow()
            .path("data")
            .path("cainjekt.json")
            .asText();
    JsonNode dashboard = new ObjectMapper().readTree(json);
    assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(8);
    assertThat(json).contains("cainjekt_nri_request_duration_seconds_bucket");
  }

  @Test
  void badValuesAreRefusedWithAMessage() throws Exception {
    assertRefused(
        "set existingConfigMap or pem, not both",
        "--set-string",
        "bundles[0].name=default,bundles[0].existingConfigMap=ca,bundles[0].pem=x");
    assertRefused("configure at least one CA bundle", "--set", "bundles=null");
    assertRefused(
        "serviceMonitor.enabled needs service.enabled; without the Service use podMonitor.enabled",
        "--set",
        "serviceMonitor.enabled=true",
        "--set",
        "service.enabled=false");
    assertRefused(
        "podMonitor.enabled and serviceMonitor.enabled: enable one",
        "--set",
        "serviceMonitor.enabled=true",
        "--set",
        "podMonitor.enabled=true");
  }

  /** Rendering the chart with the base values and {@code values} fails with {@code message}. */
  static void assertRefused(String message, String... values) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("template", "x", CHART.toString(), "-f", BASE_VALUES.toString()));
    args.addAll(List.of(values));
    DeployTools.Run run = helm(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(message).isNotZero();
    assertThat(run.stderr()).contains(message);
  }

  private static JsonNode container(List<JsonNode> docs) {
    return daemonSet(docs).path("spec").path("template").path("spec").path("containers").get(0);
  }
}
