// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NamespaceLabels} fed by a list and watch of namespaces (RBAC: namespaces list and watch),
 * the way an informer works: list in pages, then watch from the list's resource version; a watch
 * the server ends is resumed from the last version seen, and a version the server no longer has
 * (410 Gone) or the periodic resync starts a new list. Lookups read an in-memory map and never
 * block. When the API fails, the map keeps its last content, the loop retries with a backoff from 1
 * s to 30 s, and every failure is counted in {@link ApiFailures} ({@link
 * ApiFailures.Kind#NAMESPACE_WATCH}) and logged.
 *
 * <p>One named virtual thread runs the loop. Thread-safe. Listeners run on the watch's thread.
 */
public final class InformerNamespaceLabels implements NamespaceLabels {

  static final String PATH = "/api/v1/namespaces";

  /** Namespaces per list page. */
  static final int PAGE_SIZE = 500;

  /** A watch asks the server to end it after 5 to 10 minutes, as client-go does. */
  static final int WATCH_SECONDS = 300;

  /** Grace past the watch's own timeout before the client closes a silent connection. */
  static final int WATCH_GRACE_SECONDS = 30;

  /** One watch event larger than this ends the watch as malformed. */
  static final int MAX_EVENT_CHARS = 1 << 20;

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(InformerNamespaceLabels.class);

  private final ApiClient client;
  private final Duration resync;
  private final ApiFailures failures;
  private final Map<String, Map<String, String>> store = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private volatile WebSocket socket;
  private final Thread loop;

  private InformerNamespaceLabels(ApiClient client, Duration resync, ApiFailures failures) {
    this.client = client;
    this.resync = resync;
    this.failures = failures;
    this.loop = Thread.ofVirtual().name("k8s-namespaces").unstarted(this::run);
  }

  /**
   * Starts listing and watching and returns at once; the first list completes in the background
   * ({@link #synced()}). {@code resync} lists again periodically, which also catches deletions a
   * watch missed (zero: never).
   */
  public static InformerNamespaceLabels start(
      ApiClient client, Duration resync, ApiFailures failures) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(failures, "failures");
    InformerNamespaceLabels labels = new InformerNamespaceLabels(client, resync, failures);
    labels.loop.start();
    return labels;
  }

  /** Called with a namespace's name whenever its labels may have changed (add, update, delete). */
  public void addListener(Consumer<String> onChange) {
    listeners.add(onChange);
  }

  @Override
  public Optional<Map<String, String>> labels(String namespace) {
    return Optional.ofNullable(store.get(namespace));
  }

  /**
   * Completes when the first list has been stored; never fails (the loop keeps retrying). For
   * readiness reporting and tests; lookups never need to wait for it.
   */
  @Override
  public CompletionStage<Void> ready() {
    return ready.copy();
  }

  @Override
  public boolean synced() {
    return ready.isDone();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      loop.interrupt();
      WebSocket open = socket;
      if (open != null) {
        open.abort();
      }
      try {
        loop.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    String version = ""; // empty: list first
    long listedAt = 0;
    Duration backoff = FIRST_BACKOFF;
    while (!closed.get()) {
      boolean listing = version.isEmpty() || resyncDue(listedAt);
      try {
        if (listing) {
          version = list();
          listedAt = System.nanoTime();
          if (ready.complete(null)) {
            log.atInfo()
                .setMessage("kubernetes: namespace cache synced")
                .addKeyValue("namespaces", store.size())
                .log();
          }
        }
        version = watch(version);
        backoff = FIRST_BACKOFF;
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        if (closed.get()) {
          return;
        }
        if (e instanceof ApiClient.StatusException s && s.status() == 410) {
          version = ""; // the version is too old: list again at once
          continue;
        }
        String what = listing ? (synced() ? "list" : "initial list") : "watch";
        failures.record(ApiFailures.Kind.NAMESPACE_WATCH, what, e);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  private boolean resyncDue(long listedAt) {
    return !resync.isZero() && System.nanoTime() - listedAt >= resync.toNanos();
  }

  /** Lists all namespaces in pages, replaces the store, and returns the list's version. */
  private String list() throws IOException, InterruptedException {
    Map<String, Map<String, String>> fresh = new HashMap<>();
    String next = "";
    String version;
    do {
      String query = "?limit=" + PAGE_SIZE + (next.isEmpty() ? "" : "&continue=" + encode(next));
      ApiJson.Page page = ApiJson.page(client.get(PATH + query));
      for (ApiJson.Namespace ns : page.items()) {
        fresh.put(ns.name(), ns.labels());
      }
      version = page.resourceVersion();
      next = page.next();
    } while (!next.isEmpty());
    Set<String> changed = new HashSet<>(store.keySet());
    changed.removeAll(fresh.keySet());
    store.keySet().removeAll(changed);
    for (Map.Entry<String, Map<String, String>> e : fresh.entrySet()) {
      if (!e.getValue().equals(store.put(e.getKey(), e.getValue()))) {
        changed.add(e.getKey());
      }
    }
    changed.forEach(this::notifyChanged);
    return version;
  }

  /**
   * Watches from {@code version} until the server or the grace timer ends the watch, applying every
   * event; returns the last version seen, or empty when the server has no version to resume from.
   */
  private String watch(String version) throws IOException, InterruptedException {
    int seconds = WATCH_SECONDS + ThreadLocalRandom.current().nextInt(WATCH_SECONDS);
    String path =
        PATH
            + "?watch=true&allowWatchBookmarks=true&timeoutSeconds="
            + seconds
            + (version.isEmpty() ? "" : "&resourceVersion=" + encode(version));
    Events events = new Events(version);
    WebSocket open = client.watch(path, events);
    socket = open;
    try {
      if (closed.get()) {
        throw new InterruptedException("closed");
      }
      return events.ended.get(seconds + WATCH_GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return events.version; // the server did not end it: resume from what was seen
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      socket = null;
      open.abort();
    }
  }

  /** Applies watch events as they arrive; {@link #ended} completes with the last version. */
  private final class Events implements WebSocket.Listener {
    final CompletableFuture<String> ended = new CompletableFuture<>();
    volatile String version;
    private final StringBuilder text = new StringBuilder();

    Events(String version) {
      this.version = version;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (text.length() > MAX_EVENT_CHARS) {
        ended.completeExceptionally(
            new IOException("watch event over " + MAX_EVENT_CHARS + " characters"));
        ws.abort();
        return null;
      }
      if (last) {
        String event = text.toString();
        text.setLength(0);
        try {
          apply(ApiJson.event(event));
        } catch (IOException e) {
          ended.completeExceptionally(new IOException("malformed watch event: " + e.getMessage()));
          ws.abort();
          return null;
        }
      }
      ws.request(1);
      return null;
    }

    /** The API server sends JSON events as text frames; anything else ends this watch, loudly. */
    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ended.completeExceptionally(new IOException("binary watch frame; expected JSON text"));
      ws.abort();
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      ended.complete(version);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      ended.completeExceptionally(
          error instanceof IOException io ? io : new IOException("watch failed", error));
    }

    private void apply(ApiJson.WatchEvent event) {
      switch (event.type()) {
        case "ADDED", "MODIFIED" -> {
          ApiJson.Namespace ns = event.namespace().orElseThrow();
          if (!ns.labels().equals(store.put(ns.name(), ns.labels()))) {
            notifyChanged(ns.name());
          }
        }
        case "DELETED" -> {
          ApiJson.Namespace ns = event.namespace().orElseThrow();
          store.remove(ns.name());
          notifyChanged(ns.name());
        }
        case "ERROR" ->
            ended.completeExceptionally(
                new ApiClient.StatusException("watch " + PATH, event.code(), event.message()));
        default -> {} // BOOKMARK, or a type newer than this code: only its version counts
      }
      if (!event.resourceVersion().isEmpty()) {
        version = event.resourceVersion();
      }
    }
  }

  private void notifyChanged(String name) {
    for (Consumer<String> l : listeners) {
      l.accept(name);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
