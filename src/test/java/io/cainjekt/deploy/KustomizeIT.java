// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static io.cainjekt.deploy.DeployTools.BASEDIR;
import static io.cainjekt.deploy.DeployTools.KUSTOMIZE;
import static io.cainjekt.deploy.Manifests.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plain manifests: in sync with the chart, and as least-privileged as the chart. */
class KustomizeIT {

  @Test
  void manifestsAreGeneratedFromTheChartAndInSync() throws Exception {
    DeployTools.Run check =
        DeployTools.exec(
            List.of("bash", BASEDIR.resolve("deploy/kustomize/generate.sh").toString(), "--check"));
    assertThat(check.exitCode())
        .as(
            "deploy/kustomize is out of sync with the chart; run deploy/kustomize/generate.sh:\n%s",
            check.stdout())
        .isZero();
  }

  @Test
  void kustomizeBuildKeepsLeastPrivilegeAndTheDocumentedRbac() throws Exception {
    DeployTools.Run run = DeployTools.kubectl("kustomize", KUSTOMIZE.toString());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    List<JsonNode> docs = DeployTools.parse(run.stdout());

    Manifests.assertLeastPrivilege(docs);
    Manifests.assertRbac(docs);
    Manifests.assertNodeNameFromDownwardApi(docs);
    assertThat(docs)
        .filteredOn(d -> !d.path("kind").asText().startsWith("Cluster"))
        .filteredOn(d -> !d.path("kind").asText().equals("Namespace"))
        .allSatisfy(
            d -> assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("cainjekt"));
    JsonNode namespace = ofKind(docs, "Namespace").getFirst();
    assertThat(
            namespace
                .path("metadata")
                .path("labels")
                .path("pod-security.kubernetes.io/enforce")
                .asText())
        .isEqualTo("privileged");
    JsonNode bundle = ofKind(docs, "ConfigMap").getFirst();
    assertThat(bundle.path("metadata").path("name").asText()).isEqualTo("cainjekt-ca");
    assertThat(bundle.path("data").has("ca-bundle.pem")).isTrue();
  }

  @Test
  void monitoringOverlayBuilds() throws Exception {
    DeployTools.Run run =
        DeployTools.kubectl("kustomize", KUSTOMIZE.resolve("monitoring").toString());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    List<JsonNode> docs = DeployTools.parse(run.stdout());
    assertThat(docs)
        .extracting(d -> d.path("kind").asText())
        .containsExactlyInAnyOrder("ServiceMonitor", "PrometheusRule", "ConfigMap");
    assertThat(ofKind(docs, "PrometheusRule").getFirst().findValues("alert"))
        .extracting(JsonNode::asText)
        .contains("CainjektPluginNotReady", "CainjektStartContainerSlow");
  }
}
