// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;

/**
 * Builds the fabric8 client the DaemonSet uses: auto-configured (in a pod: the service account's
 * token and CA under {@code /var/run/secrets/kubernetes.io/serviceaccount/}, the API address from
 * {@code KUBERNETES_SERVICE_HOST}; outside: the kubeconfig), over the JDK HttpClient.
 *
 * <p>Token rotation: projected service-account tokens expire (one hour by default) and the kubelet
 * rewrites the file. fabric8 (8.0.0, {@code TokenRefreshInterceptor}, checked in its bytecode)
 * re-runs the auto-configuration, which re-reads the token file, before a request when the last
 * refresh is over a minute old, and after any 401 before retrying once. Nothing to do here but to
 * keep auto-configuration (no token copied into the config by hand).
 */
public final class InClusterClient {

  /**
   * Retries of one failed request (fabric8's default, 10 with doubling backoff, holds an Event for
   * about 20 s while the API is down). Watches reconnect on their own schedule regardless.
   */
  static final int REQUEST_RETRIES = 2;

  private InClusterClient() {}

  /**
   * A client with short timeouts: {@code timeout} bounds connecting and each request, so a hung API
   * server only ever delays background threads (informer, event sender), never a container.
   */
  public static KubernetesClient create(Duration timeout, ApiFailures failures) {
    return builder(Config.autoConfigure(null), timeout, failures).build();
  }

  /**
   * A client builder for this configuration with our timeouts and the failure-counting interceptor
   * ({@link ApiFailures.Kind#CONNECTION}). Tests point it at a mock API server.
   */
  public static KubernetesClientBuilder builder(
      Config config, Duration timeout, ApiFailures failures) {
    Config timed =
        new ConfigBuilder(config)
            .withConnectionTimeout((int) timeout.toMillis())
            .withRequestTimeout((int) timeout.toMillis())
            .withRequestRetryBackoffLimit(REQUEST_RETRIES)
            .build();
    FailureCountingInterceptor interceptor = new FailureCountingInterceptor(failures);
    return new KubernetesClientBuilder()
        .withConfig(timed)
        .withHttpClientBuilderConsumer(
            b -> b.addOrReplaceInterceptor(FailureCountingInterceptor.NAME, interceptor));
  }
}
