// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.util.List;
import java.util.Map;

/**
 * A container as the runtime describes it, free of protobuf types.
 *
 * @param id container id
 * @param podSandboxId id of its pod sandbox
 * @param name container name in the pod spec
 * @param state lifecycle state
 * @param pid init process pid; 0 before StartContainer or when the runtime sent none that fits
 * @param args process arguments
 * @param env environment as {@code KEY=VALUE} strings, in order
 * @param mounts OCI mounts
 * @param labels container labels
 * @param annotations container annotations
 */
public record ContainerInfo(
    String id,
    String podSandboxId,
    String name,
    ContainerState state,
    int pid,
    List<String> args,
    List<String> env,
    List<Mount> mounts,
    Map<String, String> labels,
    Map<String, String> annotations) {
  public ContainerInfo {
    args = List.copyOf(args);
    env = List.copyOf(env);
    mounts = List.copyOf(mounts);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  /** The first 12 characters of the id, for log lines. */
  public String shortId() {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
