// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.PemBundle;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One injection into one container root.
 *
 * @param root the container root, the only door for reads and writes
 * @param cas the CAs to inject (already validated: certificates only)
 * @param containerEnv the container's environment (JAVA_HOME, PATH); never logged
 * @param volumeMountPaths container paths mounted from volumes: trust stores there are left alone
 * @param filter which processors may change the root
 * @param dryRun compute everything, write nothing
 */
public record InjectionRequest(
    RootFs root,
    PemBundle cas,
    Map<String, String> containerEnv,
    Set<String> volumeMountPaths,
    ProcessorSelection filter,
    boolean dryRun) {
  public InjectionRequest {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(cas, "cas");
    Objects.requireNonNull(filter, "filter");
    containerEnv = Map.copyOf(containerEnv);
    volumeMountPaths = Set.copyOf(volumeMountPaths);
  }

  /** An offline run on an unpacked root: every processor, no volumes. */
  public static InjectionRequest offline(
      RootFs root, PemBundle cas, Map<String, String> containerEnv, boolean dryRun) {
    return new InjectionRequest(root, cas, containerEnv, Set.of(), ProcessorSelection.ALL, dryRun);
  }
}
