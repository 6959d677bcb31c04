// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cainjekt.deploy.KubeletPlan.ConfigMap;
import io.cainjekt.deploy.KubeletPlan.EmptyDir;
import io.cainjekt.deploy.KubeletPlan.HostPath;
import io.cainjekt.deploy.KubeletPlan.Mount;
import io.cainjekt.deploy.KubeletPlan.Probe;
import io.cainjekt.deploy.KubeletPlan.ProbeKind;
import io.cainjekt.deploy.PodTemplateTranslator.Node;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodTemplateTranslatorTest {

  private static final String DAEMON_SET =
      """
      kind: DaemonSet
      metadata: {name: cainjekt, namespace: ops}
      spec:
        template:
          metadata:
            labels: {app: cainjekt}
            annotations: {a: b}
          spec:
            hostPID: true
            terminationGracePeriodSeconds: 10
            nodeSelector: {kubernetes.io/os: linux}
            containers:
              - name: cainjekt
                image: localhost/cainjekt:it
                args: [run, --http-address=:9443]
                env:
                  - {name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
                  - {name: LEVEL, value: info}
                ports: [{name: http, containerPort: 9443, protocol: TCP}]
                livenessProbe:
                  httpGet: {path: /healthz, port: http}
                  initialDelaySeconds: 5
                readinessProbe:
                  httpGet: {path: /readyz, port: 9443}
                  periodSeconds: 5
                  failureThreshold: 2
                resources: {limits: {memory: 256Mi}, requests: {memory: 96Mi}}
                securityContext:
                  capabilities: {add: [SYS_PTRACE], drop: [ALL]}
                  privileged: false
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                  runAsUser: 0
                  seccompProfile: {type: RuntimeDefault}
                volumeMounts:
                  - {name: nri, mountPath: /var/run/nri}
                  - {name: tmp, mountPath: /tmp}
                  - {name: ca, mountPath: /etc/ca, readOnly: true}
            volumes:
              - {name: nri, hostPath: {path: /var/run/nri, type: DirectoryOrCreate}}
              - {name: tmp, emptyDir: {medium: Memory, sizeLimit: 16Mi}}
              - {name: ca, configMap: {name: cainjekt-ca}}
      """;

  @Test
  void everyRuntimeFieldIsMappedAsTheKubeletMapsIt() throws IOException {
    KubeletPlan plan = translate(DAEMON_SET);

    assertThat(plan.sandbox().hostPid()).isTrue();
    assertThat(plan.sandbox().hostNetwork()).isFalse();
    assertThat(plan.sandbox().labels()).containsEntry("app", "cainjekt");
    assertThat(plan.sandbox().annotations()).containsEntry("a", "b");
    assertThat(plan.sandbox().terminationGracePeriod()).isEqualTo(Duration.ofSeconds(10));
    var c = plan.container();
    assertThat(c.image()).isEqualTo("localhost/cainjekt:it");
    assertThat(c.args()).containsExactly("run", "--http-address=:9443");
    assertThat(c.env())
        .containsExactly(Map.entry("NODE_NAME", "node-a"), Map.entry("LEVEL", "info"));
    assertThat(c.addCapabilities()).containsExactly("SYS_PTRACE");
    assertThat(c.dropCapabilities()).containsExactly("ALL");
    assertThat(c.privileged()).isFalse();
    assertThat(c.allowPrivilegeEscalation()).isFalse();
    assertThat(c.readOnlyRootFilesystem()).isTrue();
    assertThat(c.runAsUser()).hasValue(0);
    assertThat(c.seccompProfile()).isEqualTo("RuntimeDefault");
    assertThat(c.memoryLimitBytes()).isEqualTo(256L << 20);
    assertThat(c.mounts()).contains(new Mount("ca", "/etc/ca", true));
    assertThat(plan.volumes())
        .containsEntry("nri", new HostPath("/var/run/nri", "DirectoryOrCreate"))
        .containsEntry("tmp", new EmptyDir("Memory", 16L << 20))
        .containsEntry("ca", new ConfigMap("cainjekt-ca"));
    assertThat(plan.probes())
        .containsExactly(
            new Probe(
                ProbeKind.LIVENESS,
                "/healthz",
                9443,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                3),
            new Probe(
                ProbeKind.READINESS,
                "/readyz",
                9443,
                Duration.ZERO,
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                2));
  }

  @Test
  void unknownPodFieldFailsByName() {
    assertThatThrownBy(() -> translate(DAEMON_SET.replace("hostPID: true", "hostIPC: true")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown field spec.template.spec.hostIPC");
  }

  @Test
  void unknownSecurityContextFieldFailsByName() {
    assertThatThrownBy(
            () -> translate(DAEMON_SET.replace("privileged: false", "procMount: Unmasked")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown field spec.template.spec.containers[0].securityContext.procMount");
  }

  @Test
  void unknownVolumeKindFailsByName() {
    assertThatThrownBy(
            () ->
                translate(
                    DAEMON_SET.replace(
                        "configMap: {name: cainjekt-ca}", "secret: {secretName: x}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown field spec.template.spec.volumes[ca].secret");
  }

  @Test
  void fieldRefTheKubeletDoesNotFillFailsByName() {
    assertThatThrownBy(
            () ->
                translate(
                    DAEMON_SET.replace("fieldPath: spec.nodeName", "fieldPath: status.podIP")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "[NODE_NAME].valueFrom.fieldRef.fieldPath: unknown field status.podIP");
  }

  @Test
  void probeOnAnUndeclaredPortNameFails() {
    assertThatThrownBy(() -> translate(DAEMON_SET.replace("port: http}", "port: metrics}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("livenessProbe.httpGet.port: no container port named metrics");
  }

  @Test
  void quantitiesAreBytes() {
    assertThat(PodTemplateTranslator.bytes(node("\"300Mi\""), "q")).isEqualTo(300L << 20);
    assertThat(PodTemplateTranslator.bytes(node("\"1G\""), "q")).isEqualTo(1_000_000_000L);
    assertThat(PodTemplateTranslator.bytes(node("4096"), "q")).isEqualTo(4096);
    assertThatThrownBy(() -> PodTemplateTranslator.bytes(node("\"lots\""), "limits.memory"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limits.memory: not a quantity: lots");
  }

  private static KubeletPlan translate(String yaml) throws IOException {
    List<JsonNode> docs = DeployTools.parse(yaml);
    return PodTemplateTranslator.translate(docs.get(0), new Node("node-a"), "cainjekt-x1");
  }

  private static JsonNode node(String yaml) {
    try {
      return DeployTools.parse("v: " + yaml).get(0).path("v");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
