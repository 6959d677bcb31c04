// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.k8s.MockApi;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * fabric8's mock API server in CRUD mode on loopback: it stores what the plugin creates (Events)
 * and serves what the test creates (namespaces). {@link #kubeconfig} points {@code cainjekt run
 * --kubeconfig} at it.
 */
final class FakeKubernetesApi implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private FakeKubernetesApi(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  static FakeKubernetesApi start() {
    KubernetesMockServer server = MockApi.startCrudServer();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(url(server)).build())
            .build();
    return new FakeKubernetesApi(server, client);
  }

  private static String url(KubernetesMockServer server) {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** A client of the fake API, for the test's own objects and assertions. */
  KubernetesClient client() {
    return client;
  }

  /** Writes a kubeconfig naming this server (token auth, no TLS) and returns its path. */
  Path kubeconfig(Path file) {
    try {
      Files.writeString(
          file,
          String.join(
              "\n",
              "apiVersion: v1",
              "kind: Config",
              "clusters: [{name: mock, cluster: {server: \"" + url(server) + "\"}}]",
              "users: [{name: test, user: {token: test-token}}]",
              "contexts: [{name: mock, context: {cluster: mock, user: test}}]",
              "current-context: mock",
              ""));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The core/v1 Events stored in {@code namespace}. */
  List<Event> events(String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems();
  }

  /**
   * The Events in {@code namespace} once there is at least one (the plugin sends them from a
   * background thread), or none after {@code timeout}.
   */
  List<Event> awaitEvents(String namespace, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Event> events = events(namespace);
    while (events.isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      events = events(namespace);
    }
    return events;
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      server.destroy();
    }
  }
}
