// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a kubelet asks the runtime for when it starts a DaemonSet's pod: the sandbox, the one
 * container, its volumes and the probes it then polls. Made by {@link PodTemplateTranslator} from a
 * rendered pod template.
 *
 * @param sandbox RunPodSandbox's config
 * @param container CreateContainer's config
 * @param volumes the pod's volumes, by name
 * @param probes the probes the kubelet polls, liveness first
 */
record KubeletPlan(
    Sandbox sandbox, Container container, Map<String, Volume> volumes, List<Probe> probes) {

  /** The sandbox: namespaces, metadata and how long the kubelet waits after SIGTERM. */
  record Sandbox(
      boolean hostPid,
      boolean hostNetwork,
      Map<String, String> labels,
      Map<String, String> annotations,
      Duration terminationGracePeriod) {}

  /** The container as CRI gets it; {@code memoryLimitBytes} 0 means no limit. */
  record Container(
      String name,
      String image,
      List<String> command,
      List<String> args,
      Map<String, String> env,
      List<String> addCapabilities,
      List<String> dropCapabilities,
      boolean privileged,
      boolean allowPrivilegeEscalation,
      boolean readOnlyRootFilesystem,
      OptionalLong runAsUser,
      OptionalLong runAsGroup,
      String seccompProfile,
      long memoryLimitBytes,
      List<Mount> mounts) {

    /**
     * The same container from {@code newImage} with {@code add} as its added capabilities: a chart
     * upgrade, or a securityContext with one capability less.
     */
    Container with(String newImage, List<String> add) {
      return new Container(
          name,
          newImage,
          command,
          args,
          env,
          List.copyOf(add),
          dropCapabilities,
          privileged,
          allowPrivilegeEscalation,
          readOnlyRootFilesystem,
          runAsUser,
          runAsGroup,
          seccompProfile,
          memoryLimitBytes,
          mounts);
    }
  }

  /** One volumeMount. */
  record Mount(String volume, String mountPath, boolean readOnly) {}

  /** A volume of the pod. */
  sealed interface Volume {}

  /** A directory of the node, created when {@code type} is DirectoryOrCreate. */
  record HostPath(String path, String type) implements Volume {}

  /** A directory of the pod's own; {@code medium} "Memory" is a tmpfs. */
  record EmptyDir(String medium, long sizeLimitBytes) implements Volume {}

  /** A ConfigMap, projected by the kubelet with the {@code ..data} symlink swap. */
  record ConfigMap(String name) implements Volume {}

  /** Which probe. */
  enum ProbeKind {
    LIVENESS,
    READINESS
  }

  /** An httpGet probe with the port name resolved to its number. */
  record Probe(
      ProbeKind kind,
      String path,
      int port,
      Duration initialDelay,
      Duration period,
      Duration timeout,
      int failureThreshold) {}
}
