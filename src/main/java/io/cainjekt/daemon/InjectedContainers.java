// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.observe.ContainerReport;
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
import java.util.function.UnaryOperator;

/**
 * The in-memory view of opted-in containers: what was staged, what StartContainer found, which
 * bundle version each holds, and one lock per container. Rebuilt from the runtime's Synchronize
 * after a restart. Thread-safe.
 */
final class InjectedContainers {

  /** One opted-in container: what was staged, and the outcome of its injection so far. */
  record Entry(Staged staged, Injection injection) {

    Entry {
      Objects.requireNonNull(staged, "staged");
      Objects.requireNonNull(injection, "injection");
    }

    String id() {
      return staged.id();
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

  void put(Staged staged, Injection injection) {
    entries.put(staged.id(), new Entry(staged, injection));
  }

  Optional<Entry> get(String id) {
    return Optional.ofNullable(entries.get(id));
  }

  /** Replaces the outcome of container {@code id}, if it is known, by {@code next}'s answer. */
  void update(String id, UnaryOperator<Injection> next) {
    entries.computeIfPresent(id, (k, e) -> new Entry(e.staged(), next.apply(e.injection())));
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
        .filter(e -> e.staged().bundle().equals(bundle) && !e.injection().caHash().equals(current))
        .toList();
  }

  /** How many containers there are, and how many hold an outdated version of their bundle. */
  int[] counts(Function<String, Optional<Fingerprint>> currentHash) {
    int all = 0;
    int outdated = 0;
    for (Entry e : entries.values()) {
      all++;
      Fingerprint held = e.injection().caHash();
      if (currentHash.apply(e.staged().bundle()).map(h -> !h.equals(held)).orElse(false)) {
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
    entries.values().forEach(e -> counts.merge(e.injection().state(), 1, Integer::sum));
    return counts;
  }

  /** The /containers view; {@code currentHash} gives each bundle's current version. */
  List<ContainerReport> reports(Function<String, Optional<Fingerprint>> currentHash) {
    return entries.values().stream()
        .sorted(
            Comparator.comparing((Entry e) -> e.staged().ref().namespace())
                .thenComparing(e -> e.staged().ref().pod()))
        .map(e -> report(e, currentHash.apply(e.staged().bundle())))
        .toList();
  }

  private static ContainerReport report(Entry e, Optional<Fingerprint> current) {
    Staged s = e.staged();
    Injection i = e.injection();
    return new ContainerReport(
        s.id(),
        s.ref().namespace(),
        s.ref().pod(),
        s.ref().container(),
        i.state(),
        i.distro(),
        i.filesWritten(),
        i.runtimes(),
        s.bundle(),
        i.caHash().hex(),
        current.map(h -> !h.equals(i.caHash())).orElse(false),
        i.errors(),
        s.late() ? LateStarters.DETAIL : "");
  }
}
