// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.policy;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link OptInPolicy} decides from: one container of one pod.
 *
 * @param podAnnotations the pod's annotations
 * @param podLabels the pod's labels
 * @param namespaceLabels the namespace's labels, or empty when unknown (API unreachable, namespace
 *     not yet in the cache); an empty map means "known, no labels"
 * @param containerName the container's name in the pod spec
 */
public record PolicyInput(
    Map<String, String> podAnnotations,
    Map<String, String> podLabels,
    Optional<Map<String, String>> namespaceLabels,
    String containerName) {

  /** Copies the maps (null keys or values are rejected by the copy). */
  public PolicyInput {
    podAnnotations = Map.copyOf(podAnnotations);
    podLabels = Map.copyOf(podLabels);
    namespaceLabels = namespaceLabels.map(Map::copyOf);
    Objects.requireNonNull(containerName, "containerName");
  }
}
