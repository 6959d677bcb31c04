// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.EnvMerger;
import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.Mount;
import io.cainjekt.nri.PodInfo;
import io.cainjekt.policy.ProcessorSelection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What was staged for one opted-in container, fixed from CreateContainer (or from a late start, or
 * a restart's Synchronize) until RemoveContainer: who it is, the bundle it gets and what each
 * pipeline run on its root needs. The outcome of those runs is its {@link Injection}.
 *
 * @param ref the container and its log context
 * @param bundle name of the configured CA bundle it gets
 * @param env its effective environment, for the runtimes' detection
 * @param volumeMountPaths container paths of its mounts, which the pipeline never writes
 * @param filter the processors its pod selected
 * @param late true when it started while the plugin was not running, so it has neither the mount
 *     nor the environment variables ({@link LateStarters})
 */
record Staged(
    ContainerRef ref,
    String bundle,
    Map<String, String> env,
    Set<String> volumeMountPaths,
    ProcessorSelection filter,
    boolean late) {

  Staged {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(bundle, "bundle");
    env = Map.copyOf(env);
    volumeMountPaths = Set.copyOf(volumeMountPaths);
  }

  /** A container as the runtime describes it. */
  static Staged of(
      PodInfo pod, ContainerInfo c, String bundle, ProcessorSelection filter, boolean late) {
    return new Staged(
        ContainerRef.of(pod, c),
        bundle,
        EnvMerger.effectiveEnv(c.env()),
        c.mounts().stream().map(Mount::destination).collect(Collectors.toSet()),
        filter,
        late);
  }

  /** This container with one more mount (of the plugin's own) at {@code containerPath}. */
  Staged withMount(String containerPath) {
    Set<String> paths = new HashSet<>(volumeMountPaths);
    paths.add(containerPath);
    return new Staged(ref, bundle, env, paths, filter, late);
  }

  String id() {
    return ref.id();
  }
}
