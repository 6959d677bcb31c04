// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NamespaceLabels} fed by a fabric8 shared informer on namespaces (list + watch; RBAC:
 * namespaces get/list/watch). Lookups read the informer's in-memory store and never block. When the
 * API fails, the informer keeps its last store, retries with fabric8's backoff, and every failure
 * is counted in {@link ApiFailures} ({@link ApiFailures.Kind#NAMESPACE_WATCH}) and logged.
 *
 * <p>Thread-safe. Listeners run on the informer's event thread.
 */
public final class InformerNamespaceLabels implements NamespaceLabels {

  private static final Logger log = LoggerFactory.getLogger(InformerNamespaceLabels.class);

  private final SharedIndexInformer<Namespace> informer;
  private final ApiFailures failures;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  private InformerNamespaceLabels(SharedIndexInformer<Namespace> informer, ApiFailures failures) {
    this.informer = informer;
    this.failures = failures;
  }

  /**
   * Starts the informer and returns at once; the first list completes in the background ({@link
   * #synced()}). {@code resync} re-delivers the store to listeners periodically (zero: never).
   *
   * <p>fabric8 reconnects a lost watch by itself, silently and with backoff, without telling the
   * exception handler; those failed reconnects are counted by the client's interceptor ({@link
   * InClusterClient#builder}, {@link ApiFailures.Kind#CONNECTION}). List failures are counted here.
   */
  public static InformerNamespaceLabels start(
      KubernetesClient client, Duration resync, ApiFailures failures) {
    Objects.requireNonNull(failures, "failures");
    SharedIndexInformer<Namespace> informer =
        client.namespaces().runnableInformer(resync.toMillis());
    InformerNamespaceLabels labels = new InformerNamespaceLabels(informer, failures);
    informer.exceptionHandler(labels::onException);
    informer.addEventHandler(labels.handler());
    informer
        .start()
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                log.atInfo().setMessage("kubernetes: namespace cache synced").log();
                labels.ready.complete(null);
              } else if (!labels.closed.get()) {
                failures.record(ApiFailures.Kind.NAMESPACE_WATCH, "initial list", error);
              }
            });
    return labels;
  }

  /** Called with a namespace's name whenever its labels may have changed (add, update, delete). */
  public void addListener(Consumer<String> onChange) {
    listeners.add(onChange);
  }

  @Override
  public Optional<Map<String, String>> labels(String namespace) {
    Namespace ns = informer.getStore().getByKey(namespace);
    if (ns == null) {
      return Optional.empty();
    }
    Map<String, String> labels = ns.getMetadata().getLabels();
    return Optional.of(labels == null ? Map.of() : Map.copyOf(labels));
  }

  /**
   * Completes when the first list has been stored and the watch started; never fails (the informer
   * keeps retrying). For readiness reporting and tests; lookups never need to wait for it.
   */
  @Override
  public CompletionStage<Void> ready() {
    return ready.copy();
  }

  @Override
  public boolean synced() {
    return informer.hasSynced();
  }

  /** Whether the watch is currently established (false while the API is unreachable). */
  public boolean watching() {
    return informer.isWatching();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      informer.close();
    }
  }

  private boolean onException(boolean started, Throwable t) {
    failures.record(ApiFailures.Kind.NAMESPACE_WATCH, started ? "watch" : "list", t);
    return !closed.get();
  }

  private ResourceEventHandler<Namespace> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Namespace ns) {
        notifyChanged(ns);
      }

      @Override
      public void onUpdate(Namespace oldNs, Namespace newNs) {
        notifyChanged(newNs);
      }

      @Override
      public void onDelete(Namespace ns, boolean deletedFinalStateUnknown) {
        notifyChanged(ns);
      }
    };
  }

  private void notifyChanged(Namespace ns) {
    String name = ns.getMetadata().getName();
    for (Consumer<String> l : listeners) {
      l.accept(name);
    }
  }
}
