// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PodEventsTest {

  private static final PodRef POD = new PodRef("team-a", "web-0", "uid-1");

  private final ApiFailures failures = new ApiFailures();
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-11-27T10:00:00Z"));
  private final InstantSource clock = now::get;
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

  private List<Event> awaitEvents(int count) throws Exception {
    return admin
        .v1()
        .events()
        .inNamespace(POD.namespace())
        .informOnCondition(list -> list.size() >= count)
        .get(60, TimeUnit.SECONDS);
  }

  @Test
  void warningEventIsCreatedOnThePod() throws Exception {
    try (PodEvents events =
        new PodEvents(client, failures, PodEvents.Settings.defaults("node-1"), clock)) {
      assertThat(events.warn(POD, "CAInjectionFailed", "merge trust store failed")).isTrue();
      Event e = awaitEvents(1).getFirst();
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("CAInjectionFailed");
      assertThat(e.getMessage()).isEqualTo("merge trust store failed");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
      assertThat(e.getInvolvedObject().getName()).isEqualTo("web-0");
      assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-1");
      assertThat(e.getSource().getComponent()).isEqualTo("cainjekt");
      assertThat(e.getSource().getHost()).isEqualTo("node-1");
      assertThat(e.getMetadata().getName()).startsWith("web-0.");
    }
  }

  @Test
  void identicalEventsWithinTheWindowAreSentOnce() throws Exception {
    try (PodEvents events =
        new PodEvents(client, failures, PodEvents.Settings.defaults("node-1"), clock)) {
      assertThat(events.warn(POD, "CAInjectionFailed", "same")).isTrue();
      assertThat(events.warn(POD, "CAInjectionFailed", "same")).isFalse();
      assertThat(events.warn(POD, "CAInjectionFailed", "other")).isTrue();
      now.set(now.get().plus(Duration.ofMinutes(6)));
      assertThat(events.warn(POD, "CAInjectionFailed", "same")).isTrue();
      assertThat(awaitEvents(3))
          .extracting(Event::getMessage)
          .containsExactlyInAnyOrder("same", "other", "same");
    }
  }

  @Test
  void longMessagesAreCut() throws Exception {
    try (PodEvents events =
        new PodEvents(client, failures, PodEvents.Settings.defaults("node-1"), clock)) {
      events.warn(POD, "CAInjectionFailed", "x".repeat(10_000));
      assertThat(awaitEvents(1).getFirst().getMessage())
          .hasSize(PodEvents.MAX_MESSAGE_CHARS)
          .endsWith("...");
    }
  }

  @Test
  void apiDownNeverBlocksTheCallerAndEveryEventIsAccountedFor() throws Exception {
    api.kill();
    int total = 500;
    CountDownLatch accounted = new CountDownLatch(total);
    failures.addListener(
        (kind, cause) -> {
          if (kind != ApiFailures.Kind.CONNECTION) {
            accounted.countDown();
          }
        });
    PodEvents.Settings settings =
        new PodEvents.Settings("cainjekt", "node-1", 16, Duration.ofMinutes(5), 5);
    try (PodEvents events = new PodEvents(client, failures, settings, clock)) {
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        events.warn(POD, "CAInjectionFailed", "failure " + i);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(accounted.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(failures.count(ApiFailures.Kind.EVENT_DROPPED)).isPositive();
      assertThat(failures.count(ApiFailures.Kind.EVENT_CREATE)).isPositive();
      assertThat(
              failures.count(ApiFailures.Kind.EVENT_DROPPED)
                  + failures.count(ApiFailures.Kind.EVENT_CREATE))
          .isEqualTo(total);
    }
  }

  @Test
  void closedEventsAcceptNothing() {
    PodEvents events = new PodEvents(client, failures, PodEvents.Settings.defaults("n"), clock);
    events.close();
    events.close();
    assertThat(events.warn(POD, "R", "m")).isFalse();
  }

  @Test
  void badSettingsAndPodsAreRejected() {
    assertThatThrownBy(() -> new PodEvents.Settings("c", "h", 0, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PodRef("", "p", "")).isInstanceOf(IllegalArgumentException.class);
  }
}
