// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees every request of the fabric8 client, including the informer's silent watch reconnects:
 * counts each connection failure in {@link ApiFailures} and logs one WARN line when the API becomes
 * unreachable and one INFO line when it answers again. Thread-safe.
 */
final class FailureCountingInterceptor implements Interceptor {

  static final String NAME = "cainjekt-api-failures";

  private static final Logger log = LoggerFactory.getLogger(FailureCountingInterceptor.class);

  private final ApiFailures failures;
  private final AtomicBoolean unreachable = new AtomicBoolean();

  FailureCountingInterceptor(ApiFailures failures) {
    this.failures = failures;
  }

  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    failures.count(ApiFailures.Kind.CONNECTION, failure);
    if (unreachable.compareAndSet(false, true)) {
      log.atWarn()
          .setMessage("kubernetes: api unreachable; answering from the cache")
          .addKeyValue("uri", request.uri())
          .setCause(failure)
          .log();
    }
  }

  @Override
  public void after(
      HttpRequest request,
      HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    if (unreachable.compareAndSet(true, false)) {
      log.atInfo().setMessage("kubernetes: api reachable again").log();
    }
  }
}
