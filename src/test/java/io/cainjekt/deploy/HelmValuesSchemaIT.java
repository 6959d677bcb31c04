// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static io.cainjekt.deploy.DeployTools.BASE_VALUES;
import static io.cainjekt.deploy.DeployTools.CHART;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/helm/cainjekt/values.schema.json (issue 20): a value of the wrong type or range fails
 * {@code helm template} and {@code helm install --dry-run} with the value's path and the rule.
 *
 * <p>{@code helm install} asks an API server for its version and API groups before it validates
 * values; there is no cluster here, so a loopback HTTP server answers those three discovery calls
 * ({@code /version}, {@code /api}, {@code /apis}) and nothing else. Validation itself is helm's.
 */
class HelmValuesSchemaIT {

  private static HttpServer discovery;
  @TempDir static Path dir;
  private static Path kubeconfig;

  static Stream<Arguments> wrongValues() {
    return Stream.of(
        Arguments.of(
            "--set plugin.httpPort=http",
            "plugin.httpPort: Invalid type. Expected: integer, given: string"),
        Arguments.of(
            "--set resources.limits.memory=-256Mi",
            "resources.limits.memory: Does not match pattern"),
        Arguments.of(
            "--set resources.limits.memory=-1",
            "resources.limits.memory: Must be greater than or equal to 0"),
        Arguments.of(
            "--set plugin.failPolicy=maybe",
            "plugin.failPolicy: plugin.failPolicy must be one of the following: \"open\", \"closed\""),
        Arguments.of(
            "--set-string plugin.index=5", "plugin.index: Does not match pattern '^[0-9]{2}$'"),
        Arguments.of("--set plugin.index=100", "plugin.index: Must be less than or equal to 99"),
        Arguments.of(
            "--set plugin.logFormat=yaml", "plugin.logFormat: plugin.logFormat must be one of"),
        Arguments.of(
            "--set plugin.maxBundleCertificates=0",
            "plugin.maxBundleCertificates: Must be greater than or equal to 1"),
        Arguments.of(
            "--set-string bundles[0].name=Corp_CA", "bundles.0.name: Does not match pattern"),
        Arguments.of("--set plugin.nriSokcet=/x", "plugin: Additional property nriSokcet"),
        Arguments.of(
            "--set prometheusRule.startContainerP99Seconds=0",
            "prometheusRule.startContainerP99Seconds: Must be greater than 0"));
  }

  @BeforeAll
  static void startDiscovery() throws Exception {
    discovery = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    Map<String, String> answers =
        Map.of(
            "/version", "{\"major\":\"1\",\"minor\":\"30\",\"gitVersion\":\"v1.30.0\"}",
            "/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}",
            "/apis", "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}");
    discovery.createContext(
        "/",
        exchange -> {
          String body = answers.get(exchange.getRequestURI().getPath());
          byte[] bytes = (body == null ? "{}" : body).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    discovery.start();
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: loopback, cluster: {server: "http://127.0.0.1:%d"}}]
        contexts: [{name: loopback, context: {cluster: loopback, namespace: cainjekt}}]
        current-context: loopback
        users: [{name: nobody, user: {}}]
        """
            .formatted(discovery.getAddress().getPort()));
  }

  @AfterAll
  static void stopDiscovery() {
    discovery.stop(0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongValues")
  void helmTemplateRefusesTheValueWithItsPath(String set, String message) throws Exception {
    DeployTools.Run run = helm(List.of("template", "x", CHART.toString()), set);
    assertThat(run.exitCode()).as(run.stdout()).isNotZero();
    assertThat(run.stderr())
        .contains("values don't meet the specifications of the schema")
        .contains(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongValues")
  void helmInstallDryRunRefusesTheValueWithItsPath(String set, String message) throws Exception {
    DeployTools.Run run = helm(installDryRun(), set);
    assertThat(run.exitCode()).as(run.stdout()).isNotZero();
    assertThat(run.stderr())
        .contains("INSTALLATION FAILED: values don't meet the specifications of the schema")
        .contains(message);
  }

  @Test
  void helmInstallDryRunWithoutABundleSaysWhatToSet() throws Exception {
    List<String> args = new ArrayList<>(List.of("install", "cainjekt", CHART.toString()));
    args.addAll(List.of("--dry-run=client", "--kubeconfig", kubeconfig.toString()));
    DeployTools.Run run = DeployTools.helm(args.toArray(String[]::new));
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr())
        .contains("bundles[default]: no CA certificates: set pem to your CA certificates");
  }

  private static List<String> installDryRun() {
    return List.of(
        "install",
        "cainjekt",
        CHART.toString(),
        "-n",
        "cainjekt",
        "-f",
        BASE_VALUES.toString(),
        "--dry-run=client",
        "--kubeconfig",
        kubeconfig.toString());
  }

  private static DeployTools.Run helm(List<String> command, String set) throws Exception {
    List<String> args = new ArrayList<>(command);
    if (!args.contains(BASE_VALUES.toString())) {
      args.addAll(List.of("-f", BASE_VALUES.toString()));
    }
    args.addAll(List.of(set.split(" ", 2)));
    return DeployTools.helm(args.toArray(String[]::new));
  }
}
