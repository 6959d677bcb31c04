// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What kubelet puts into RunPodSandbox for a host-network pod: metadata, labels, annotations.
 *
 * @param namespace Kubernetes namespace
 * @param name pod name
 * @param uid pod UID
 * @param labels pod labels
 * @param annotations pod annotations (cainjekt's opt-in lives here)
 */
public record PodSpec(
    String namespace,
    String name,
    String uid,
    Map<String, String> labels,
    Map<String, String> annotations) {

  public PodSpec {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  /** A pod with a fresh UID and no labels or annotations. */
  public static PodSpec of(String namespace, String name) {
    return new PodSpec(namespace, name, UUID.randomUUID().toString(), Map.of(), Map.of());
  }

  /** Same pod with these labels. */
  public PodSpec withLabels(Map<String, String> newLabels) {
    return new PodSpec(namespace, name, uid, newLabels, annotations);
  }

  /** Same pod with these annotations. */
  public PodSpec withAnnotations(Map<String, String> newAnnotations) {
    return new PodSpec(namespace, name, uid, labels, newAnnotations);
  }
}
