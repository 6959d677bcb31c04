// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A map bounded by entry count and by the total weight of its values (roughly their bytes); the
 * least recently used entries go first once either bound is exceeded. A value heavier than the
 * whole budget is not kept. Thread-safe.
 *
 * @param <K> keys, compared by value
 * @param <V> values
 */
public final class WeightedLru<K, V> {

  private record Weighed<V>(V value, long weight) {}

  private final int maxEntries;
  private final long maxWeight;
  private final LinkedHashMap<K, Weighed<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long weight;
  private long hits;
  private long misses;

  public WeightedLru(int maxEntries, long maxWeight) {
    this.maxEntries = maxEntries;
    this.maxWeight = maxWeight;
  }

  /** The value of {@code key}, counting a hit or a miss. */
  public synchronized Optional<V> get(K key) {
    Weighed<V> e = entries.get(key);
    if (e == null) {
      misses++;
      return Optional.empty();
    }
    hits++;
    return Optional.of(e.value());
  }

  /** Keeps {@code value} under {@code key}, evicting the least recently used beyond the bounds. */
  public synchronized void put(K key, V value, long valueWeight) {
    if (valueWeight > maxWeight) {
      return;
    }
    Weighed<V> old = entries.put(key, new Weighed<>(value, valueWeight));
    weight += valueWeight - (old == null ? 0 : old.weight());
    Iterator<Map.Entry<K, Weighed<V>>> eldest = entries.entrySet().iterator();
    while ((entries.size() > maxEntries || weight > maxWeight) && eldest.hasNext()) {
      weight -= eldest.next().getValue().weight();
      eldest.remove();
    }
  }

  /** Drops the entry of {@code key}, if any. */
  public synchronized void remove(K key) {
    Weighed<V> old = entries.remove(key);
    if (old != null) {
      weight -= old.weight();
    }
  }

  /** Hits and misses so far, for tests and benchmarks. */
  public synchronized long[] counts() {
    return new long[] {hits, misses};
  }

  public synchronized int size() {
    return entries.size();
  }

  /** The total weight of the kept values. */
  public synchronized long weight() {
    return weight;
  }
}
