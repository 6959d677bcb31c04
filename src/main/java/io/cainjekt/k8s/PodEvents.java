// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Warning Events on pods for injection failures, without ever blocking the caller: {@link
 * #warn} only offers to a bounded queue; one named virtual thread sends. Identical events (same
 * pod, reason and message) within the dedupe window are sent once; at most {@code maxPerSecond}
 * events are sent per second. Dropped and failed sends are counted in {@link ApiFailures}.
 *
 * <p>Thread-safe.
 */
public final class PodEvents implements AutoCloseable {

  /**
   * Tuning of {@link PodEvents}.
   *
   * @param component {@code source.component} / {@code reportingComponent}, e.g. "cainjekt"
   * @param host the node name ({@code source.host}, {@code reportingInstance})
   * @param queueCapacity pending events at most; more are dropped
   * @param dedupeWindow identical events within this window are sent once
   * @param maxPerSecond send rate limit
   */
  public record Settings(
      String component, String host, int queueCapacity, Duration dedupeWindow, int maxPerSecond) {
    /** Validates. */
    public Settings {
      Objects.requireNonNull(component, "component");
      Objects.requireNonNull(host, "host");
      if (queueCapacity < 1 || maxPerSecond < 1 || dedupeWindow.isNegative()) {
        throw new IllegalArgumentException("queueCapacity and maxPerSecond must be positive");
      }
    }

    /** 256 pending, 5 minute dedupe window, 10 events per second. */
    public static Settings defaults(String host) {
      return new Settings("cainjekt", host, 256, Duration.ofMinutes(5), 10);
    }
  }

  /** Kubernetes caps an Event message at 1 KiB in practice (kubectl shows it whole). */
  static final int MAX_MESSAGE_CHARS = 1024;

  /** Dedupe keys remembered at most. */
  static final int MAX_REMEMBERED = 4096;

  private static final Logger log = LoggerFactory.getLogger(PodEvents.class);

  private record Pending(PodRef pod, String reason, String message, Instant at) {}

  private final ApiClient client;
  private final ApiFailures failures;
  private final Settings settings;
  private final InstantSource clock;
  private final BlockingQueue<Pending> queue;
  private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread sender;
  private long windowSecond;
  private int sentInWindow;

  /** Starts the sender thread. */
  public PodEvents(ApiClient client, ApiFailures failures, Settings settings, InstantSource clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.failures = Objects.requireNonNull(failures, "failures");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.sender = Thread.ofVirtual().name("k8s-pod-events").start(this::drain);
  }

  /**
   * Queues a Warning Event on the pod. Returns false when it was not queued: a duplicate within the
   * dedupe window, the queue full (counted as dropped), or closed. Never blocks, never throws for
   * API trouble.
   */
  public boolean warn(PodRef pod, String reason, String message) {
    if (closed.get()) {
      return false;
    }
    Instant now = clock.instant();
    String key = pod.namespace() + "/" + pod.name() + "/" + reason + "/" + message;
    Instant previous = lastSent.get(key);
    if (previous != null && now.isBefore(previous.plus(settings.dedupeWindow()))) {
      return false;
    }
    if (!queue.offer(new Pending(pod, reason, truncate(message), now))) {
      failures.record(ApiFailures.Kind.EVENT_DROPPED, "queue full", null);
      return false;
    }
    lastSent.put(key, now);
    prune(now);
    return true;
  }

  /** Events waiting to be sent. */
  public int pending() {
    return queue.size();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      sender.interrupt();
      try {
        sender.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void drain() {
    while (!closed.get()) {
      Pending p;
      try {
        p = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (p != null) {
        sendOne(p);
      }
    }
  }

  private void sendOne(Pending p) {
    if (!withinRate(clock.instant())) {
      failures.record(ApiFailures.Kind.EVENT_DROPPED, "rate limit", null);
      return;
    }
    PodRef pod = p.pod();
    byte[] event =
        ApiJson.warningEvent(
            pod, p.reason(), p.message(), p.at().toString(), settings.component(), settings.host());
    try {
      client.post(
          "/api/v1/namespaces/"
              + URLEncoder.encode(pod.namespace(), StandardCharsets.UTF_8)
              + "/events",
          event);
      log.atDebug()
          .setMessage("kubernetes: event created")
          .addKeyValue("namespace", pod.namespace())
          .addKeyValue("pod", pod.name())
          .addKeyValue("reason", p.reason())
          .log();
    } catch (IOException e) {
      failures.record(ApiFailures.Kind.EVENT_CREATE, pod.namespace() + "/" + pod.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    }
  }

  private boolean withinRate(Instant now) {
    long second = now.getEpochSecond();
    if (second != windowSecond) {
      windowSecond = second;
      sentInWindow = 0;
    }
    return ++sentInWindow <= settings.maxPerSecond();
  }

  private void prune(Instant now) {
    if (lastSent.size() > MAX_REMEMBERED) {
      lastSent.values().removeIf(t -> !now.isBefore(t.plus(settings.dedupeWindow())));
    }
    if (lastSent.size() > MAX_REMEMBERED) {
      lastSent.clear(); // bounded memory beats perfect dedupe during a storm
    }
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE_CHARS
        ? message
        : message.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
  }
}
