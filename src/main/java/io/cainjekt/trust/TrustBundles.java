// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The configured CA bundles, kept current without a restart. Each source is re-read when its
 * directory changes (a {@link BundleWatcher}) and on a polling interval; new content that parses
 * replaces the bundle when its certificate set (content hash) changed, and listeners are told.
 * Content that does not parse or is over its {@link BundleLimits} keeps the last good bundle; the
 * error is kept ({@link #lastError}) and error listeners are told once per distinct error message.
 * The first source is the default. Thread-safe: readers see immutable snapshots; reloads are
 * serialised by one lock.
 */
public final class TrustBundles implements AutoCloseable {

  private final List<NamedSource> sources;
  private final BundleLimits limits;
  private final Clock clock;
  private final Map<String, LoadedBundle> current = new ConcurrentHashMap<>();
  private final Map<String, TrustBundleException> errors = new ConcurrentHashMap<>();
  private final Map<String, Fingerprint> lastRawHash = new ConcurrentHashMap<>();
  private final List<Consumer<LoadedBundle>> listeners = new CopyOnWriteArrayList<>();
  private final List<BiConsumer<String, TrustBundleException>> errorListeners =
      new CopyOnWriteArrayList<>();
  private final ReentrantLock reloadLock = new ReentrantLock();
  private volatile BundleWatcher watcher;

  private TrustBundles(List<NamedSource> sources, BundleLimits limits, Clock clock) {
    this.sources = List.copyOf(sources);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = clock;
  }

  /** Like {@link #open(List, BundleLimits, Duration)} with {@link BundleLimits#DEFAULT}. */
  public static TrustBundles open(List<NamedSource> sources, Duration pollInterval)
      throws TrustBundleException {
    return open(sources, BundleLimits.DEFAULT, pollInterval);
  }

  /**
   * Loads every source (all must be valid and within the limits) and starts watching them.
   *
   * @param sources at least one, unique names; the first is the default
   * @param limits how big each bundle may be, at start and on every reload
   * @param pollInterval how often to re-read besides file-system events; {@link Duration#ZERO}
   *     disables both, leaving reloads to {@link #reload()}
   * @throws TrustBundleException naming the first source that cannot be loaded; an {@link
   *     OversizedBundleException} when it is over a limit
   */
  public static TrustBundles open(
      List<NamedSource> sources, BundleLimits limits, Duration pollInterval)
      throws TrustBundleException {
    return open(sources, limits, pollInterval, Clock.systemUTC());
  }

  static TrustBundles open(
      List<NamedSource> sources, BundleLimits limits, Duration pollInterval, Clock clock)
      throws TrustBundleException {
    checkNames(sources);
    TrustBundles bundles = new TrustBundles(sources, limits, clock);
    for (NamedSource source : sources) {
      BundleSourceReader.Snapshot snapshot = BundleSourceReader.snapshot(source, limits);
      bundles.accept(source, snapshot, BundleSourceReader.parse(source, snapshot, limits));
    }
    if (!pollInterval.isZero()) {
      bundles.watcher = BundleWatcher.start(sources, pollInterval, bundles::reload);
    }
    return bundles;
  }

  /** The bundle of that name, if configured. */
  public Optional<LoadedBundle> get(String name) {
    return Optional.ofNullable(current.get(name));
  }

  /** The first configured bundle. */
  public LoadedBundle defaultBundle() {
    return current.get(sources.getFirst().name());
  }

  /** The configured names in configuration order. */
  public Set<String> names() {
    Set<String> ordered = new LinkedHashSet<>();
    sources.forEach(s -> ordered.add(s.name()));
    return Collections.unmodifiableSet(ordered);
  }

  /** Called with the new bundle after each change of a bundle's certificate set. */
  public void addListener(Consumer<LoadedBundle> onChange) {
    listeners.add(Objects.requireNonNull(onChange, "onChange"));
  }

  /** Called with the bundle name and the error when an update of it is refused. */
  public void addErrorListener(BiConsumer<String, TrustBundleException> onError) {
    errorListeners.add(Objects.requireNonNull(onError, "onError"));
  }

  /** Why the latest content of that bundle was refused; empty once it loads again. */
  public Optional<TrustBundleException> lastError(String name) {
    return Optional.ofNullable(errors.get(name));
  }

  /**
   * Re-reads every source now.
   *
   * @return how many bundles changed
   */
  public int reload() {
    reloadLock.lock();
    try {
      int changed = 0;
      for (NamedSource source : sources) {
        if (reload(source)) {
          changed++;
        }
      }
      return changed;
    } finally {
      reloadLock.unlock();
    }
  }

  @Override
  public void close() {
    BundleWatcher w = watcher;
    if (w != null) {
      w.close();
    }
  }

  private boolean reload(NamedSource source) {
    BundleSourceReader.Snapshot snapshot;
    PemBundle bundle;
    try {
      snapshot = BundleSourceReader.snapshot(source, limits);
      if (snapshot.rawHash().equals(lastRawHash.get(source.name()))) {
        return false;
      }
      bundle = BundleSourceReader.parse(source, snapshot, limits);
    } catch (TrustBundleException e) {
      refuse(source, e);
      return false;
    }
    return accept(source, snapshot, bundle);
  }

  private boolean accept(
      NamedSource source, BundleSourceReader.Snapshot snapshot, PemBundle bundle) {
    lastRawHash.put(source.name(), snapshot.rawHash());
    errors.remove(source.name());
    LoadedBundle old = current.get(source.name());
    if (old != null && old.bundle().contentHash().equals(bundle.contentHash())) {
      return false;
    }
    LoadedBundle loaded = new LoadedBundle(source.name(), bundle, clock.instant());
    current.put(source.name(), loaded);
    if (old != null) {
      listeners.forEach(l -> l.accept(loaded));
    }
    return true;
  }

  private void refuse(NamedSource source, TrustBundleException e) {
    TrustBundleException previous = errors.put(source.name(), e);
    if (previous == null || !Objects.equals(previous.getMessage(), e.getMessage())) {
      errorListeners.forEach(l -> l.accept(source.name(), e));
    }
  }

  private static void checkNames(List<NamedSource> sources) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("at least one CA bundle source is required");
    }
    Set<String> seen = new HashSet<>();
    for (NamedSource s : sources) {
      if (!seen.add(s.name())) {
        throw new IllegalArgumentException("duplicate CA bundle name " + s.name());
      }
    }
  }
}
