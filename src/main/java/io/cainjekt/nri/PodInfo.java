// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.util.Map;

/**
 * A pod sandbox as the runtime describes it, free of protobuf types.
 *
 * @param id sandbox id
 * @param name pod name
 * @param uid pod UID
 * @param namespace Kubernetes namespace
 * @param labels pod labels
 * @param annotations pod annotations
 * @param runtimeHandler runtime class handler, empty for the default
 * @param pid sandbox pid when the runtime sends one, else 0
 */
public record PodInfo(
    String id,
    String name,
    String uid,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    String runtimeHandler,
    int pid) {
  public PodInfo {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
