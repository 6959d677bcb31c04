// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The security-relevant facts every rendering of the deployment must show, asserted on parsed
 * manifests (Helm and kustomize alike). The lists here are the ones docs/security.md documents.
 */
final class Manifests {

  /** Capabilities added, exactly; docs/security.md says why each one is needed. */
  static final List<String> CAPABILITIES = List.of("SYS_PTRACE", "DAC_OVERRIDE", "CHOWN");

  /** The only host paths mounted. */
  static final Set<String> HOST_PATHS = Set.of("/var/run/nri", "/run/cainjekt");

  /** Flags of docs/architecture.md, "Command line" that {@code cainjekt run} accepts. */
  static final Set<String> RUN_FLAGS =
      Set.of(
          "--nri-socket",
          "--plugin-name",
          "--plugin-index",
          "--ca-bundle",
          "--staging-dir",
          "--http-address",
          "--annotation-prefix",
          "--fail-policy",
          "--log-format",
          "--log-level",
          "--max-bundle-certificates",
          "--max-bundle-bytes");

  private Manifests() {}

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  static JsonNode daemonSet(List<JsonNode> docs) {
    List<JsonNode> sets = ofKind(docs, "DaemonSet");
    assertThat(sets).hasSize(1);
    return sets.getFirst();
  }

  static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  /** hostPID, no privileged, exact capabilities, read-only root, seccomp, host paths, probes. */
  static void assertLeastPrivilege(List<JsonNode> docs) {
    JsonNode pod = daemonSet(docs).path("spec").path("template").path("spec");
    assertThat(pod.path("hostPID").asBoolean()).as("hostPID").isTrue();
    assertThat(pod.path("hostNetwork").asBoolean(false)).as("hostNetwork").isFalse();
    assertThat(pod.path("hostIPC").asBoolean(false)).as("hostIPC").isFalse();
    assertThat(pod.path("priorityClassName").asText()).isEqualTo("system-node-critical");
    assertThat(pod.path("initContainers").isMissingNode()).isTrue();
    assertThat(pod.path("containers")).hasSize(1);
    JsonNode container = pod.path("containers").get(0);
    JsonNode sc = container.path("securityContext");
    assertThat(sc.path("privileged").asBoolean(false)).as("privileged").isFalse();
    assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(sc.path("runAsUser").asInt(-1)).isZero();
    assertThat(sc.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    assertThat(texts(sc.path("capabilities").path("drop"))).containsExactly("ALL");
    assertThat(texts(sc.path("capabilities").path("add"))).containsExactlyElementsOf(CAPABILITIES);

    List<String> hostPaths = new ArrayList<>();
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.has("hostPath")) {
        hostPaths.add(volume.path("hostPath").path("path").asText());
      }
    }
    assertThat(hostPaths).containsExactlyInAnyOrderElementsOf(HOST_PATHS);
    List<String> mounts =
        StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
            .map(m -> m.path("mountPath").asText())
            .toList();
    assertThat(mounts).contains("/var/run/nri", "/run/cainjekt", "/tmp");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/healthz");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/readyz");
    assertRunArgs(container);
  }

  /**
   * Args are {@code run} followed by docs/architecture.md, "Command line" flags only, every one in
   * --flag=value form.
   */
  static void assertRunArgs(JsonNode container) {
    List<String> args = texts(container.path("args"));
    assertThat(args.getFirst()).isEqualTo("run");
    for (String arg : args.subList(1, args.size())) {
      assertThat(arg).contains("=");
      assertThat(RUN_FLAGS).as("flag of %s", arg).contains(arg.substring(0, arg.indexOf('=')));
    }
  }

  /**
   * NODE_NAME comes from the downward API (spec.nodeName), so Events name the node and not the pod
   * (issue 23).
   */
  static void assertNodeNameFromDownwardApi(List<JsonNode> docs) {
    JsonNode container =
        daemonSet(docs).path("spec").path("template").path("spec").path("containers").get(0);
    List<JsonNode> nodeName =
        StreamSupport.stream(container.path("env").spliterator(), false)
            .filter(e -> e.path("name").asText().equals("NODE_NAME"))
            .toList();
    assertThat(nodeName).hasSize(1);
    assertThat(nodeName.getFirst().path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("spec.nodeName");
  }

  /**
   * Namespaces list/watch (the informer) and core/v1 events create (PodEvents); nothing else, no
   * wildcard, no binding to more.
   */
  static void assertRbac(List<JsonNode> docs) {
    assertThat(ofKind(docs, "Role")).isEmpty();
    List<JsonNode> roles = ofKind(docs, "ClusterRole");
    assertThat(roles).hasSize(1);
    JsonNode rules = roles.getFirst().path("rules");
    assertThat(rules).hasSize(2);
    assertThat(texts(rules.get(0).path("apiGroups"))).containsExactly("");
    assertThat(texts(rules.get(0).path("resources"))).containsExactly("namespaces");
    assertThat(texts(rules.get(0).path("verbs"))).containsExactly("list", "watch");
    assertThat(texts(rules.get(1).path("apiGroups"))).containsExactly("");
    assertThat(texts(rules.get(1).path("resources"))).containsExactly("events");
    assertThat(texts(rules.get(1).path("verbs"))).containsExactly("create");
    JsonNode binding = ofKind(docs, "ClusterRoleBinding").getFirst();
    assertThat(binding.path("roleRef").path("name").asText())
        .isEqualTo(roles.getFirst().path("metadata").path("name").asText());
    assertThat(binding.path("subjects")).hasSize(1);
    assertThat(binding.path("subjects").get(0).path("kind").asText()).isEqualTo("ServiceAccount");
  }
}
