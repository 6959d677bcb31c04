// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private final Metrics metrics = new Metrics();

  private Exposition scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExpositionFormats.init()
        .getPrometheusTextFormatWriter()
        .write(out, metrics.registry().scrape());
    return Exposition.parse(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyMetricOfDesignSectionEightIsExposedWithItsType() throws IOException {
    // series with free-text labels appear on first use; record one of each
    metrics.injected("debian");
    metrics.skipped("not_opted_in");
    metrics.distroDetected("debian");
    metrics.runtimeDetected("java");
    metrics.k8sApiFailure("namespace_watch");
    metrics.bundleLoaded("default", 1, Instant.EPOCH);
    Exposition e = scrape();
    assertThat(e.types)
        .containsEntry("cainjekt_injections_total", "counter")
        .containsEntry("cainjekt_skips_total", "counter")
        .containsEntry("cainjekt_errors_total", "counter")
        .containsEntry("cainjekt_distro_detections_total", "counter")
        .containsEntry("cainjekt_runtime_detections_total", "counter")
        .containsEntry("cainjekt_k8s_api_failures_total", "counter")
        .containsEntry("cainjekt_rejected_inputs_total", "counter")
        .containsEntry("cainjekt_late_starters_total", "counter")
        .containsEntry("cainjekt_runtime_reconnects_total", "counter")
        .containsEntry("cainjekt_nri_request_duration_seconds", "histogram")
        .containsEntry("cainjekt_staged_bytes", "gauge")
        .containsEntry("cainjekt_injected_containers", "gauge")
        .containsEntry("cainjekt_outdated_ca_containers", "gauge")
        .containsEntry("cainjekt_runtime_connected", "gauge")
        .containsEntry("cainjekt_runtime_synchronized", "gauge")
        .containsEntry("cainjekt_bundle_certificates", "gauge")
        .containsEntry("cainjekt_bundle_earliest_expiry_timestamp_seconds", "gauge");
  }

  @Test
  void enumLabelledSeriesStartAtZeroSoAlertsSeeThem() throws IOException {
    Exposition e = scrape();
    for (ErrorPhase phase : ErrorPhase.values()) {
      assertThat(e.samples)
          .containsEntry("cainjekt_errors_total{phase=\"" + phase.label() + "\"}", 0.0);
    }
    for (RejectedInput kind : RejectedInput.values()) {
      assertThat(e.samples)
          .containsEntry("cainjekt_rejected_inputs_total{kind=\"" + kind.label() + "\"}", 0.0);
    }
    for (LateStarterAction action : LateStarterAction.values()) {
      assertThat(e.samples)
          .containsEntry("cainjekt_late_starters_total{action=\"" + action.label() + "\"}", 0.0);
    }
    assertThat(e.samples)
        .containsEntry(
            "cainjekt_nri_request_duration_seconds_count{event=\"start_container\"}", 0.0);
  }

  @Test
  void jvmMetricsAreInTheSameRegistry() throws IOException {
    // one family of each JVM metric group registered, those of JvmMetrics without native memory
    assertThat(scrape().types)
        .containsKeys(
            "jvm_memory_used_bytes",
            "jvm_threads_current",
            "jvm_buffer_pool_used_bytes",
            "jvm_classes_currently_loaded",
            "jvm_compilation_time_seconds_total",
            "jvm_gc_collection_seconds",
            "jvm_runtime_info",
            "process_cpu_seconds_total");
  }

  @Test
  void countersMoveByTheirLabels() throws IOException {
    metrics.injected("debian");
    metrics.injected("debian");
    metrics.injected("alpine");
    metrics.skipped("not_opted_in");
    metrics.error(ErrorPhase.START_CONTAINER);
    metrics.distroDetected("ubuntu");
    metrics.runtimeDetected("java");
    metrics.k8sApiFailure("event_create");
    metrics.rejected(RejectedInput.BAD_BUNDLE);
    metrics.runtimeConnectionMade();

    Exposition e = scrape();
    assertThat(e.value("cainjekt_injections_total{distro=\"debian\"}")).isEqualTo(2.0);
    assertThat(e.value("cainjekt_injections_total{distro=\"alpine\"}")).isEqualTo(1.0);
    assertThat(e.value("cainjekt_skips_total{reason=\"not_opted_in\"}")).isEqualTo(1.0);
    assertThat(e.value("cainjekt_errors_total{phase=\"start_container\"}")).isEqualTo(1.0);
    assertThat(e.value("cainjekt_distro_detections_total{distro=\"ubuntu\"}")).isEqualTo(1.0);
    assertThat(e.value("cainjekt_runtime_detections_total{runtime=\"java\"}")).isEqualTo(1.0);
    assertThat(e.value("cainjekt_k8s_api_failures_total{operation=\"event_create\"}"))
        .isEqualTo(1.0);
    assertThat(e.value("cainjekt_rejected_inputs_total{kind=\"bad_bundle\"}")).isEqualTo(1.0);
    assertThat(e.value("cainjekt_runtime_reconnects_total")).isEqualTo(1.0);
  }

  @Test
  void latencyLandsInTheBucketsAroundTheFiftyMillisecondBudget() throws IOException {
    metrics.nriRequest(LatencyEvent.START_CONTAINER, Duration.ofMillis(4));
    metrics.nriRequest(LatencyEvent.START_CONTAINER, Duration.ofMillis(45));
    metrics.nriRequest(LatencyEvent.CREATE_CONTAINER, Duration.ofMillis(700));

    Exposition e = scrape();
    String start = "cainjekt_nri_request_duration_seconds_bucket{event=\"start_container\",le=";
    assertThat(e.value(start + "\"0.003\"}")).isEqualTo(0.0);
    assertThat(e.value(start + "\"0.005\"}")).isEqualTo(1.0);
    assertThat(e.value(start + "\"0.04\"}")).isEqualTo(1.0);
    assertThat(e.value(start + "\"0.05\"}")).isEqualTo(2.0);
    assertThat(e.value(start + "\"+Inf\"}")).isEqualTo(2.0);
    assertThat(e.value("cainjekt_nri_request_duration_seconds_count{event=\"create_container\"}"))
        .isEqualTo(1.0);
    assertThat(e.value("cainjekt_nri_request_duration_seconds_sum{event=\"start_container\"}"))
        .isCloseTo(0.049, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(Metrics.LATENCY_BUCKETS_SECONDS).isSorted().contains(0.05).endsWith(2.0);
  }

  @Test
  void gaugesReportTheLastValueSet() throws IOException {
    metrics.stagedBytes(123_456);
    metrics.containers(7, 2);
    metrics.runtimeState(true, false);
    metrics.bundleLoaded("corp", 3, Instant.parse("2030-01-02T03:04:05Z"));

    Exposition e = scrape();
    assertThat(e.value("cainjekt_staged_bytes")).isEqualTo(123_456.0);
    assertThat(e.value("cainjekt_injected_containers")).isEqualTo(7.0);
    assertThat(e.value("cainjekt_outdated_ca_containers")).isEqualTo(2.0);
    assertThat(e.value("cainjekt_runtime_connected")).isEqualTo(1.0);
    assertThat(e.value("cainjekt_runtime_synchronized")).isEqualTo(0.0);
    assertThat(e.value("cainjekt_bundle_certificates{bundle=\"corp\"}")).isEqualTo(3.0);
    assertThat(e.value("cainjekt_bundle_earliest_expiry_timestamp_seconds{bundle=\"corp\"}"))
        .isEqualTo(1893553445.0);

    metrics.runtimeState(false, true);
    assertThat(scrape().value("cainjekt_runtime_synchronized")).isEqualTo(0.0);
  }

  @Test
  void hostileDistroNamesCannotGrowTheRegistry() throws IOException {
    for (int i = 0; i < 500; i++) {
      metrics.injected("evil-distro-" + i);
    }
    metrics.injected("Bad\"Name\n{x}");

    Exposition e = scrape();
    long series =
        e.samples.keySet().stream().filter(k -> k.startsWith("cainjekt_injections_total")).count();
    assertThat(series).isLessThanOrEqualTo(49);
    assertThat(e.value("cainjekt_injections_total{distro=\"other\"}")).isEqualTo(453.0);
  }
}
