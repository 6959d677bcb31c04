// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode on loopback, behind a {@link KillableProxy}; the plugin's
 * {@link ApiClient} pointing at the proxy, and fabric8's own client on the server itself for the
 * test's objects and assertions (an independent implementation of the API).
 */
public final class MockApi implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KillableProxy proxy;
  private final ApiClient client;
  private final KubernetesClient admin;

  /** fabric8's mock API server in CRUD mode, started on a free loopback port. */
  public static KubernetesMockServer startCrudServer() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  MockApi(ApiFailures failures) throws IOException {
    server = startCrudServer();
    proxy = new KillableProxy(server.getPort());
    client =
        new ApiClient(
            ApiConfig.of(URI.create("http://127.0.0.1:" + proxy.port())),
            Duration.ofSeconds(10),
            failures);
    Config direct =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + server.getPort())
            .build();
    admin = new KubernetesClientBuilder().withConfig(direct).build();
  }

  /** The plugin's client, through the proxy. */
  ApiClient client() {
    return client;
  }

  /** fabric8's client on the server directly (unaffected by {@link #kill}). */
  KubernetesClient admin() {
    return admin;
  }

  /** Makes the API unreachable: open connections reset, new ones refused. */
  void kill() throws IOException {
    proxy.kill();
  }

  @Override
  public void close() throws IOException {
    client.close();
    admin.close();
    proxy.close();
    try {
      server.destroy();
    } catch (IllegalStateException ignored) {
      // the mock server's event loop can stay blocked after a killed watch; its port is freed
    }
  }
}
