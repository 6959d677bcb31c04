// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static io.cainjekt.deploy.DeployTools.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cainjekt.deploy.KubeletPlan.HostPath;
import io.cainjekt.deploy.KubeletPlan.ProbeKind;
import io.cainjekt.deploy.PodTemplateTranslator.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chart's and the kustomize manifests' rendered DaemonSets go through the kubelet translator
 * without an unknown field, and map to the runtime settings docs/security.md documents.
 */
class RenderedPodTemplateIT {

  private static final Node NODE = new Node("node-a");

  @Test
  void chartDefaultsTranslateToTheDocumentedLeastPrivilegePod() throws Exception {
    KubeletPlan plan = translate(template());
    assertLeastPrivilege(plan);
    assertThat(plan.container().memoryLimitBytes()).isEqualTo(256L << 20);
    assertThat(plan.probes())
        .extracting(p -> p.kind() + " " + p.path() + " " + p.port())
        .containsExactly("LIVENESS /healthz 9443", "READINESS /readyz 9443");
  }

  @Test
  void chartOverridesReachTheRuntime() throws Exception {
    KubeletPlan plan =
        translate(
            template(
                "--set", "plugin.httpPort=9555",
                "--set", "resources.limits.memory=300Mi",
                "--set", "plugin.failPolicy=closed"));
    assertLeastPrivilege(plan);
    assertThat(plan.container().memoryLimitBytes()).isEqualTo(300L << 20);
    assertThat(plan.container().args()).contains("--http-address=:9555", "--fail-policy=closed");
    assertThat(plan.probes()).allMatch(p -> p.port() == 9555);
    assertThat(plan.probes()).extracting(p -> p.kind()).contains(ProbeKind.READINESS);
  }

  @Test
  void kustomizeOutputTranslatesToTheSamePod() throws Exception {
    DeployTools.Run run = DeployTools.kubectl("kustomize", DeployTools.KUSTOMIZE.toString());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    KubeletPlan plan = translate(DeployTools.parse(run.stdout()));
    assertLeastPrivilege(plan);
  }

  private static KubeletPlan translate(List<JsonNode> docs) {
    return PodTemplateTranslator.translate(Manifests.daemonSet(docs), NODE, "cainjekt-x1");
  }

  private static void assertLeastPrivilege(KubeletPlan plan) {
    var c = plan.container();
    assertThat(plan.sandbox().hostPid()).isTrue();
    assertThat(c.addCapabilities()).containsExactlyInAnyOrderElementsOf(Manifests.CAPABILITIES);
    assertThat(c.dropCapabilities()).containsExactly("ALL");
    assertThat(c.privileged()).isFalse();
    assertThat(c.readOnlyRootFilesystem()).isTrue();
    assertThat(c.seccompProfile()).isEqualTo("RuntimeDefault");
    assertThat(plan.volumes().values())
        .filteredOn(v -> v instanceof HostPath)
        .extracting(v -> ((HostPath) v).path())
        .containsExactlyInAnyOrderElementsOf(Manifests.HOST_PATHS);
  }
}
