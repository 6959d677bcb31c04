// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs failed or dropped Kubernetes API work, so the metrics layer can export it ({@code
 * cainjekt_kubernetes_api_failures_total{kind}}) without this package knowing Prometheus.
 * Thread-safe; listeners run on the failing thread and must not block.
 */
public final class ApiFailures {

  /** What failed. {@link #label()} is stable (metric label). */
  public enum Kind {
    /** A request to the API server could not connect (any call, watch reconnects included). */
    CONNECTION("connection"),
    /** The namespace list or watch failed; lookups answer from the cache meanwhile. */
    NAMESPACE_WATCH("namespace_watch"),
    /** Creating a pod Event failed. */
    EVENT_CREATE("event_create"),
    /** A pod Event was dropped: queue full or over the rate limit. */
    EVENT_DROPPED("event_dropped");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** Stable snake_case name. */
    public String label() {
      return label;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(ApiFailures.class);

  private final Map<Kind, AtomicLong> counts = new EnumMap<>(Kind.class);
  private final List<BiConsumer<Kind, Throwable>> listeners = new CopyOnWriteArrayList<>();

  /** All counters at zero. */
  public ApiFailures() {
    for (Kind k : Kind.values()) {
      counts.put(k, new AtomicLong());
    }
  }

  /** Called with every failure (the cause may be null for drops). */
  public void addListener(BiConsumer<Kind, Throwable> listener) {
    listeners.add(listener);
  }

  /** Failures of this kind so far. */
  public long count(Kind kind) {
    return counts.get(kind).get();
  }

  void record(Kind kind, String detail, Throwable cause) {
    count(kind, cause);
    log.atWarn()
        .setMessage("kubernetes: api call failed")
        .addKeyValue("kind", kind.label())
        .addKeyValue("detail", detail)
        .setCause(cause)
        .log();
  }

  /** Counts and notifies without logging (the caller logs once per outage). */
  void count(Kind kind, Throwable cause) {
    counts.get(kind).incrementAndGet();
    for (BiConsumer<Kind, Throwable> l : listeners) {
      l.accept(kind, cause);
    }
  }
}
