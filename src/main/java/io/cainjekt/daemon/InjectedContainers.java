// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.EnvMerger;
import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.Mount;
import io.cainjekt.nri.PodInfo;
import io.cainjekt.observe.ContainerReport;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.trust.Fingerprint;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The in-memory view of opted-in containers: what was staged, what StartContainer found, which
 * bundle version each holds, and one lock per container. Rebuilt from the runtime's Synchronize
 * after a restart. Thread-safe.
 */
final class InjectedContainers {

  /**
   * One opted-in container; {@code late} when it started while the plugin was not running, so it
   * has neither the mount nor the environment variables (LateStarters).
   */
  record Entry(
      String id,
      String namespace,
      String pod,
      String container,
      String bundle,
      Fingerprint caHash,
      ContainerReport.State state,
      Optional<ContainerRoots.Root> root,
      Map<String, String> env,
      Set<String> volumeMountPaths,
      ProcessorSelection filter,
      String distro,
      List<String> filesWritten,
      List<String> runtimes,
      List<String> errors,
      boolean late) {

    Entry {
      Objects.requireNonNull(id, "id");
      env = Map.copyOf(env);
      volumeMountPaths = Set.copyOf(volumeMountPaths);
      filesWritten = List.copyOf(filesWritten);
      runtimes = List.copyOf(runtimes);
      errors = List.copyOf(errors);
    }

    /**
     * A container as the runtime describes it, before StartContainer has inspected its image: no
     * distro, files, runtimes or errors yet.
     */
    static Entry of(
        ContainerInfo c,
        PodInfo pod,
        String bundle,
        Fingerprint caHash,
        ContainerReport.State state,
        Optional<ContainerRoots.Root> root,
        ProcessorSelection filter,
        boolean late) {
      return new Entry(
          c.id(),
          pod.namespace(),
          pod.name(),
          c.name(),
          bundle,
          caHash,
          state,
          root,
          EnvMerger.effectiveEnv(c.env()),
          c.mounts().stream().map(Mount::destination).collect(Collectors.toSet()),
          filter,
          "",
          List.of(),
          List.of(),
          List.of(),
          late);
    }

    /** The same container in another state, everything else kept. */
    Entry withState(ContainerReport.State newState) {
      return withState(newState, caHash, distro, filesWritten, runtimes, errors);
    }

    Entry withState(
        ContainerReport.State newState,
        Fingerprint hash,
        String newDistro,
        List<String> files,
        List<String> foundRuntimes,
        List<String> newErrors) {
      return new Entry(
          id,
          namespace,
          pod,
          container,
          bundle,
          hash,
          newState,
          root,
          env,
          volumeMountPaths,
          filter,
          newDistro,
          files,
          foundRuntimes,
          newErrors,
          late);
    }

    /** The same container after an injection that threw {@code e} before it had a report. */
    Entry failed(Exception e) {
      return withState(
          ContainerReport.State.FAILED,
          caHash,
          distro,
          filesWritten,
          runtimes,
          List.of(String.valueOf(e.getMessage())));
    }

    Entry withRoot(ContainerRoots.Root newRoot) {
      return new Entry(
          id,
          namespace,
          pod,
          container,
          bundle,
          caHash,
          state,
          Optional.of(newRoot),
          env,
          volumeMountPaths,
          filter,
          distro,
          filesWritten,
          runtimes,
          errors,
          late);
    }
  }

  /** Work done under a container's lock. */
  @FunctionalInterface
  interface LockedWork<T> {
    T run() throws Exception;
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  /**
   * Runs {@code work} under the lock of container {@code id}: one change at a time per container.
   */
  <T> T withLock(String id, LockedWork<T> work) throws Exception {
    ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
    lock.lock();
    try {
      return work.run();
    } finally {
      lock.unlock();
    }
  }

  /** Drops the lock of a removed container. */
  void forgetLock(String id) {
    locks.remove(id);
  }

  void put(Entry entry) {
    entries.put(entry.id(), entry);
  }

  Optional<Entry> get(String id) {
    return Optional.ofNullable(entries.get(id));
  }

  /** Applies {@code change} to the entry of {@code id}, if there is one. */
  void update(String id, Function<Entry, Entry> change) {
    entries.computeIfPresent(id, (k, e) -> change.apply(e));
  }

  void remove(String id) {
    entries.remove(id);
  }

  /** Forgets every container not in {@code live}. */
  void retainOnly(Set<String> live) {
    entries.keySet().retainAll(live);
    locks.keySet().retainAll(live);
  }

  Collection<Entry> all() {
    return List.copyOf(entries.values());
  }

  /** Entries whose bundle is {@code bundle} and whose CA hash is not {@code current}. */
  List<Entry> outdated(String bundle, Fingerprint current) {
    return entries.values().stream()
        .filter(e -> e.bundle().equals(bundle) && !e.caHash().equals(current))
        .toList();
  }

  /** How many containers there are, and how many hold an outdated version of their bundle. */
  int[] counts(Function<String, Optional<Fingerprint>> currentHash) {
    int all = 0;
    int outdated = 0;
    for (Entry e : entries.values()) {
      all++;
      if (currentHash.apply(e.bundle()).map(h -> !h.equals(e.caHash())).orElse(false)) {
        outdated++;
      }
    }
    return new int[] {all, outdated};
  }

  /** How many containers are in each state; every state present, at 0 when none is. */
  Map<ContainerReport.State, Integer> byState() {
    Map<ContainerReport.State, Integer> counts =
        new java.util.EnumMap<>(ContainerReport.State.class);
    for (ContainerReport.State s : ContainerReport.State.values()) {
      counts.put(s, 0);
    }
    entries.values().forEach(e -> counts.merge(e.state(), 1, Integer::sum));
    return counts;
  }

  /** The /containers view; {@code currentHash} gives each bundle's current version. */
  List<ContainerReport> reports(Function<String, Optional<Fingerprint>> currentHash) {
    return entries.values().stream()
        .sorted(Comparator.comparing(Entry::namespace).thenComparing(Entry::pod))
        .map(e -> report(e, currentHash.apply(e.bundle())))
        .toList();
  }

  private static ContainerReport report(Entry e, Optional<Fingerprint> current) {
    boolean outdated = current.map(h -> !h.equals(e.caHash())).orElse(false);
    return new ContainerReport(
        e.id(),
        e.namespace(),
        e.pod(),
        e.container(),
        e.state(),
        e.distro(),
        e.filesWritten(),
        e.runtimes(),
        e.bundle(),
        e.caHash().hex(),
        outdated,
        e.errors(),
        e.late() ? LateStarters.DETAIL : "");
  }
}
