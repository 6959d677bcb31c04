// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InformerNamespaceLabelsTest {

  private static final String ENABLED = "cainjekt.io/enabled";

  private final ApiFailures failures = new ApiFailures();
  private MockApi api;
  private ApiClient client;
  private KubernetesClient admin;

  @BeforeEach
  void startCrudServer() throws IOException {
    api = new MockApi(failures);
    client = api.client();
    admin = api.admin();
  }

  @AfterEach
  void stop() throws IOException {
    api.close();
  }

  private static Namespace namespace(String name, Map<String, String> labels) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .build();
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(60, TimeUnit.SECONDS)).as("condition reached within 60 s").isTrue();
  }

  @Test
  void unknownNamespaceIsEmptyAndAnUnlabelledOneIsAnEmptyMap() throws Exception {
    admin.namespaces().resource(namespace("plain", Map.of())).create();
    try (InformerNamespaceLabels labels =
        InformerNamespaceLabels.start(client, Duration.ZERO, failures)) {
      labels.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(labels.synced()).isTrue();
      assertThat(labels.labels("plain")).contains(Map.of());
      assertThat(labels.labels("missing")).isEmpty();
    }
  }

  @Test
  void labelOptInIsSeenAfterANamespaceUpdate() throws Exception {
    admin.namespaces().resource(namespace("team-a", Map.of("owner", "a"))).create();
    CountDownLatch added = new CountDownLatch(1);
    CountDownLatch updated = new CountDownLatch(2);
    try (InformerNamespaceLabels labels =
        InformerNamespaceLabels.start(client, Duration.ZERO, failures)) {
      labels.addListener(ns -> added.countDown());
      labels.addListener(ns -> updated.countDown());
      await(added);
      labels.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(labels.labels("team-a")).contains(Map.of("owner", "a"));
      admin
          .namespaces()
          .withName("team-a")
          .edit(
              n ->
                  new NamespaceBuilder(n)
                      .editMetadata()
                      .addToLabels(ENABLED, "true")
                      .endMetadata()
                      .build());
      await(updated);
      assertThat(labels.labels("team-a")).contains(Map.of("owner", "a", ENABLED, "true"));
    }
  }

  @Test
  void apiDownAnswersFromTheCacheImmediatelyAndCountsTheFailure() throws Exception {
    admin.namespaces().resource(namespace("team-b", Map.of(ENABLED, "true"))).create();
    CountDownLatch seen = new CountDownLatch(1);
    CountDownLatch failed = new CountDownLatch(1);
    failures.addListener(
        (kind, cause) -> {
          if (kind == ApiFailures.Kind.CONNECTION) {
            failed.countDown();
          }
        });
    try (InformerNamespaceLabels labels =
        InformerNamespaceLabels.start(client, Duration.ZERO, failures)) {
      labels.addListener(ns -> seen.countDown());
      await(seen);
      labels.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
      api.kill();
      await(failed);
      long start = System.nanoTime();
      assertThat(labels.labels("team-b")).contains(Map.of(ENABLED, "true"));
      assertThat(labels.labels("other")).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
      assertThat(failures.count(ApiFailures.Kind.CONNECTION)).isPositive();
    }
  }

  @Test
  void apiDownFromTheStartNeverBlocksAndKnowsNothing() throws IOException {
    api.kill();
    long start = System.nanoTime();
    try (InformerNamespaceLabels labels =
        InformerNamespaceLabels.start(client, Duration.ZERO, failures)) {
      assertThat(labels.labels("any")).isEmpty();
      assertThat(labels.synced()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }
}
