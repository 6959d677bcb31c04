// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One injection into one container root.
 *
 * @param root the container root, the only door for reads and writes
 * @param cas the CAs to inject (already validated: certificates only)
 * @param containerEnv the container's variables that processors read, {@link #ENV_INPUTS}; others
 *     given are dropped; never logged
 * @param volumeMountPaths container paths mounted from volumes: trust stores there are left alone
 * @param filter which processors may change the root
 * @param dryRun compute everything, write nothing
 * @param previous what earlier runs added to this root: taken out where the CAs no longer hold it
 * @param journal told what the run will own, before its first write to a root that {@code previous}
 *     is not empty for (a rotation), so a plugin killed mid-write forgets nothing
 */
public record InjectionRequest(
    RootFs root,
    PemBundle cas,
    Map<String, String> containerEnv,
    Set<String> volumeMountPaths,
    ProcessorSelection filter,
    boolean dryRun,
    Ownership previous,
    Journal journal) {

  /** Receives a run's ownership before it writes; see {@link InjectionRequest}. */
  @FunctionalInterface
  public interface Journal {
    /** Journals that keep nothing. */
    Journal NONE = intent -> {};

    void record(Ownership intent) throws IOException;
  }

  /**
   * The container variables a run depends on. A plan remembered for an image ({@link PlanMemo}) is
   * reused for containers that agree on these, so processors read no other variable.
   */
  public static final Set<String> ENV_INPUTS = Set.of("PATH", "JAVA_HOME");

  public InjectionRequest {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(cas, "cas");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(journal, "journal");
    containerEnv = envInputs(containerEnv);
    volumeMountPaths = Set.copyOf(volumeMountPaths);
  }

  /** A first injection: nothing owned before, nothing to journal. */
  public InjectionRequest(
      RootFs root,
      PemBundle cas,
      Map<String, String> containerEnv,
      Set<String> volumeMountPaths,
      ProcessorSelection filter,
      boolean dryRun) {
    this(root, cas, containerEnv, volumeMountPaths, filter, dryRun, Ownership.NONE, Journal.NONE);
  }

  /** An offline run on an unpacked root: every processor, no volumes. */
  public static InjectionRequest offline(
      RootFs root, PemBundle cas, Map<String, String> containerEnv, boolean dryRun) {
    return new InjectionRequest(root, cas, containerEnv, Set.of(), ProcessorSelection.ALL, dryRun);
  }

  /** {@code env} restricted to {@link #ENV_INPUTS}. */
  private static Map<String, String> envInputs(Map<String, String> env) {
    Map<String, String> inputs = new TreeMap<>();
    for (String name : ENV_INPUTS) {
      String value = env.get(name);
      if (value != null) {
        inputs.put(name, value);
      }
    }
    return Collections.unmodifiableMap(inputs);
  }
}
