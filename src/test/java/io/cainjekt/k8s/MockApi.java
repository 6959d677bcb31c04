// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode on loopback, behind a {@link KillableProxy}, and a client
 * built the production way ({@link InClusterClient#builder}) pointing at the proxy.
 */
public final class MockApi implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KillableProxy proxy;
  private final KubernetesClient client;

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
    Config config =
        new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + proxy.port()).build();
    client = InClusterClient.builder(config, Duration.ofSeconds(10), failures).build();
  }

  KubernetesClient client() {
    return client;
  }

  /** Makes the API unreachable: open connections reset, new ones refused. */
  void kill() throws IOException {
    proxy.kill();
  }

  @Override
  public void close() throws IOException {
    client.close();
    proxy.close();
    try {
      server.destroy();
    } catch (IllegalStateException ignored) {
      // the mock server's event loop can stay blocked after a killed watch; its port is freed
    }
  }
}
