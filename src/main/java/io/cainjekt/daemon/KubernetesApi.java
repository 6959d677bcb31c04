// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.k8s.ApiClient;
import io.cainjekt.k8s.ApiConfig;
import io.cainjekt.k8s.ApiFailures;
import io.cainjekt.k8s.InformerNamespaceLabels;
import io.cainjekt.k8s.NamespaceLabels;
import io.cainjekt.k8s.PodEvents;
import io.cainjekt.k8s.PodRef;
import io.cainjekt.observe.Metrics;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes side of the daemon, when configured: the namespace-label cache and Events on pods,
 * both fed by one client whose failures are counted as metrics. Without an API both are absent and
 * nothing is reported. Closing it stops the informer, the event sender and the client.
 */
final class KubernetesApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubernetesApi.class);

  /** Connect and request timeout: a hung API server only ever delays background threads. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Full re-list of namespaces, besides the watch. */
  static final Duration RESYNC = Duration.ofMinutes(10);

  private final Optional<ApiClient> client;
  private final Optional<InformerNamespaceLabels> namespaces;
  private final Optional<PodEvents> events;

  private KubernetesApi(
      Optional<ApiClient> client,
      Optional<InformerNamespaceLabels> namespaces,
      Optional<PodEvents> events) {
    this.client = client;
    this.namespaces = namespaces;
    this.events = events;
  }

  /** Starts the informer and event sender when {@code settings} enable the API; never blocks. */
  static KubernetesApi start(Config.Kubernetes settings, Metrics metrics) throws IOException {
    if (!settings.enabled()) {
      log.atInfo().setMessage("kubernetes: off (pod annotations and labels only)").log();
      return new KubernetesApi(Optional.empty(), Optional.empty(), Optional.empty());
    }
    ApiFailures failures = new ApiFailures();
    failures.addListener((kind, error) -> metrics.k8sApiFailure(kind.label()));
    ApiConfig config =
        settings.kubeconfig().isPresent()
            ? ApiConfig.fromKubeconfig(settings.kubeconfig().get())
            : ApiConfig.inCluster();
    ApiClient client = new ApiClient(config, TIMEOUT, failures);
    var labels = InformerNamespaceLabels.start(client, RESYNC, failures);
    var events =
        new PodEvents(
            client,
            failures,
            PodEvents.Settings.defaults(settings.nodeName()),
            InstantSource.system());
    log.atInfo().setMessage("kubernetes: on").addKeyValue("api", client.server()).log();
    return new KubernetesApi(Optional.of(client), Optional.of(labels), Optional.of(events));
  }

  /** The namespace-label cache, when the API is configured. */
  Optional<NamespaceLabels> namespaces() {
    return namespaces.map(n -> n);
  }

  /** Where failures are reported on pods. */
  PodWarnings warnings() {
    if (events.isEmpty()) {
      return PodWarnings.NONE;
    }
    PodEvents sender = events.get();
    return (pod, reason, message) ->
        sender.warn(new PodRef(pod.namespace(), pod.name(), pod.uid()), reason, message);
  }

  @Override
  public void close() {
    events.ifPresent(PodEvents::close);
    namespaces.ifPresent(InformerNamespaceLabels::close);
    client.ifPresent(ApiClient::close);
  }
}
