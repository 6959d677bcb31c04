// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {

  private final Metrics metrics = new Metrics();
  private final Readiness readiness = new Readiness();
  private final Readiness.Condition connected =
      readiness.condition(Readiness.RUNTIME_CONNECTED, "not connected to the NRI socket yet");
  private final Readiness.Condition synced =
      readiness.condition(Readiness.RUNTIME_SYNCHRONIZED, "waiting for Synchronize");
  private final List<ContainerReport> containers = new CopyOnWriteArrayList<>();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HealthServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        HealthServer.start(new HttpAddress("127.0.0.1", 0), metrics, readiness, () -> containers);
  }

  @AfterEach
  void stop() {
    server.close();
    client.close();
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsEndpointShowsCountersMovingBetweenScrapes() throws Exception {
    HttpResponse<String> before = get("/metrics", null);
    assertThat(before.statusCode()).isEqualTo(200);
    assertThat(before.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    Exposition first = Exposition.parse(before.body());

    metrics.skipped("not_opted_in");
    metrics.error(ErrorPhase.CREATE_CONTAINER);
    metrics.error(ErrorPhase.CREATE_CONTAINER);
    metrics.nriRequest(LatencyEvent.START_CONTAINER, Duration.ofMillis(3));
    Exposition second = Exposition.parse(get("/metrics", null).body());

    assertThat(first.value("cainjekt_skips_total{reason=\"not_opted_in\"}")).isEqualTo(0.0);
    assertThat(second.value("cainjekt_skips_total{reason=\"not_opted_in\"}")).isEqualTo(1.0);
    assertThat(second.value("cainjekt_errors_total{phase=\"create_container\"}")).isEqualTo(2.0);
    assertThat(
            second.value("cainjekt_nri_request_duration_seconds_count{event=\"start_container\"}"))
        .isEqualTo(1.0);
    assertThat(second.types).containsKey("jvm_memory_used_bytes");
  }

  @Test
  void openMetricsIsServedWhenAskedFor() throws Exception {
    metrics.injected("alpine");
    HttpResponse<String> response =
        get("/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");

    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/openmetrics-text"));
    assertThat(response.body()).endsWith("# EOF\n");
    Exposition e = Exposition.parse(response.body());
    assertThat(e.value("cainjekt_injections_total{distro=\"alpine\"}")).isEqualTo(1.0);
    assertThat(e.types).containsEntry("cainjekt_injections", "counter");
  }

  @Test
  void healthzIsOkWhileServing() throws Exception {
    HttpResponse<String> response = get("/healthz", null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
  }

  @Test
  void readyzSaysWhyUntilConnectedAndSynchronized() throws Exception {
    HttpResponse<String> initially = get("/readyz", null);
    assertThat(initially.statusCode()).isEqualTo(503);
    assertThat(initially.body())
        .contains("runtime_connected: not connected to the NRI socket yet")
        .contains("runtime_synchronized: waiting for Synchronize");

    connected.pass();
    HttpResponse<String> half = get("/readyz", null);
    assertThat(half.statusCode()).isEqualTo(503);
    assertThat(half.body()).doesNotContain("runtime_connected").contains("runtime_synchronized");

    synced.pass();
    assertThat(get("/readyz", null).statusCode()).isEqualTo(200);

    connected.fail("connection reset by runtime");
    HttpResponse<String> lost = get("/readyz", null);
    assertThat(lost.statusCode()).isEqualTo(503);
    assertThat(lost.body()).contains("runtime_connected: connection reset by runtime");
  }

  @Test
  void containersListsWhatTheSupplierGivesAndFiltersByIdPrefix() throws Exception {
    containers.add(ContainerReportCodecTest.sample("abc123def456789", false));
    containers.add(ContainerReportCodecTest.sample("ffee00112233445", true));

    HttpResponse<String> all = get("/containers", null);
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(ContainerReportCodec.decode(all.body().getBytes()))
        .extracting(ContainerReport::id)
        .containsExactly("abc123def456789", "ffee00112233445");

    List<ContainerReport> one =
        ContainerReportCodec.decode(get("/containers?id=ffee", null).body().getBytes());
    assertThat(one).singleElement().satisfies(c -> assertThat(c.outdated()).isTrue());
  }

  @Test
  void unknownPathsAre404AndWritesAre405() throws Exception {
    assertThat(get("/nope", null).statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void aFailingSupplierAnswers500AndTheServerKeepsServing() throws Exception {
    try (HealthServer failing =
        HealthServer.start(
            new HttpAddress("127.0.0.1", 0),
            metrics,
            readiness,
            () -> {
              throw new IllegalStateException("view not built");
            })) {
      URI base = URI.create("http://127.0.0.1:" + failing.port());
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(base.resolve("/containers")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(500);
      HttpResponse<String> health =
          client.send(
              HttpRequest.newBuilder(base.resolve("/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aPortInUseIsAnErrorNamingTheAddress() {
    assertThatThrownBy(
            () ->
                HealthServer.start(
                    new HttpAddress("127.0.0.1", server.port()),
                    metrics,
                    readiness,
                    () -> containers))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("listen on http address 127.0.0.1:" + server.port());
  }

  @Test
  void closeIsIdempotentAndStopsListening() throws Exception {
    int port = server.port();
    server.close();
    server.close();
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())))
        .isInstanceOf(IOException.class);
  }
}
