// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every metric of docs/architecture.md, "Operations" in one registry owned by this instance (no
 * static default registry), plus the JVM metrics. Names follow {@code
 * cainjekt_<noun>_<unit|total>}; 0/1 state gauges carry no unit. Labels are enums or go through
 * {@link LabelValues}, so an image or pod can never create unbounded series; container and pod ids
 * are never labels. Thread-safe.
 */
public final class Metrics {

  /**
   * Latency buckets in seconds for the NRI handlers: fine-grained around the 40 ms budget of
   * docs/architecture.md, "Budgets", then up to containerd's 2 s plugin request timeout.
   */
  static final List<Double> LATENCY_BUCKETS_SECONDS =
      List.of(
          0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075,
          0.1, 0.25, 0.5, 1.0, 2.0);

  private static final int MAX_DISTROS = 48;
  private static final int MAX_RUNTIMES = 24;
  private static final int MAX_REASONS = 32;
  private static final int MAX_BUNDLES = 32;
  private static final int MAX_OPERATIONS = 16;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final LabelValues distros = new LabelValues(MAX_DISTROS);
  private final LabelValues detectedDistros = new LabelValues(MAX_DISTROS);
  private final LabelValues runtimes = new LabelValues(MAX_RUNTIMES);
  private final LabelValues reasons = new LabelValues(MAX_REASONS);
  private final LabelValues bundles = new LabelValues(MAX_BUNDLES);
  private final LabelValues operations = new LabelValues(MAX_OPERATIONS);

  private final Counter injections =
      counter("cainjekt_injections", "Containers injected, by detected distribution.", "distro");
  private final Counter skips =
      counter("cainjekt_skips", "Containers not injected, by reason of the decision.", "reason");
  private final Counter errors =
      counter(
          "cainjekt_errors",
          "Errors by phase (each also logged and, for pods, an Event).",
          "phase");
  private final Counter distroDetections =
      counter("cainjekt_distro_detections", "OS distributions detected in containers.", "distro");
  private final Counter runtimeDetections =
      counter(
          "cainjekt_runtime_detections", "Language runtimes detected in containers.", "runtime");
  private final Counter k8sApiFailures =
      counter(
          "cainjekt_k8s_api_failures", "Failed Kubernetes API calls, by operation.", "operation");
  private final Counter rejectedInputs =
      counter("cainjekt_rejected_inputs", "Inputs refused at a trust boundary, by kind.", "kind");
  private final Counter lateStarters =
      counter(
          "cainjekt_late_starters",
          "Containers that started while the plugin was not running, by what was done.",
          "action");
  private final Counter reconnects =
      counter("cainjekt_runtime_reconnects", "Connections to the runtime's NRI socket made.");
  private final Histogram latency =
      Histogram.builder()
          .name("cainjekt_nri_request_duration_seconds")
          .help(
              "Time spent answering an NRI request, by event (StartContainer budget: p99 <= 40 ms).")
          .unit(Unit.SECONDS)
          .labelNames("event")
          .classicOnly()
          .classicUpperBounds(LATENCY_BUCKETS_SECONDS.stream().mapToDouble(d -> d).toArray())
          .withoutExemplars()
          .register(registry);
  private final Gauge stagedBytes =
      gauge("cainjekt_staged_bytes", "Bytes staged under the staging directory (after dedupe).");
  private final Gauge injectedContainers =
      gauge("cainjekt_injected_containers", "Running containers that cainjekt injected.");
  private final Gauge outdatedContainers =
      gauge(
          "cainjekt_outdated_ca_containers",
          "Running injected containers whose CA bundle is older than the configured one.");
  private final Gauge containerStates =
      gauge(
          "cainjekt_containers",
          "Containers the plugin is responsible for, by state (the states of /containers).",
          "state");
  private final Gauge runtimeConnected =
      gauge("cainjekt_runtime_connected", "1 while connected to the runtime's NRI socket.");
  private final Gauge runtimeSynchronized =
      gauge("cainjekt_runtime_synchronized", "1 once the runtime's Synchronize completed.");
  private final Gauge bundleCertificates =
      gauge("cainjekt_bundle_certificates", "Certificates in a configured CA bundle.", "bundle");
  private final Gauge bundleExpiry =
      gauge(
          "cainjekt_bundle_earliest_expiry_timestamp_seconds",
          "Unix time at which the first certificate of a configured CA bundle expires.",
          "bundle");

  /**
   * Creates the metrics, JVM metrics included: those of {@code JvmMetrics} except the native memory
   * ones, which need native memory tracking (off in bin/jvm.options) and, to find that out, load
   * the JVM's diagnostic commands with JMX and parts of JFR (docs/dev/performance-notes.md).
   */
  public Metrics() {
    JvmThreadsMetrics.builder().register(registry);
    JvmBufferPoolMetrics.builder().register(registry);
    JvmClassLoadingMetrics.builder().register(registry);
    JvmCompilationMetrics.builder().register(registry);
    JvmGarbageCollectorMetrics.builder().register(registry);
    JvmMemoryPoolAllocationMetrics.builder().register(registry);
    JvmMemoryMetrics.builder().register(registry);
    JvmRuntimeInfoMetric.builder().register(registry);
    ProcessMetrics.builder().register(registry);
    // enum-labelled series exist from the start at 0, so rate() and increase() alerts see them
    for (ErrorPhase phase : ErrorPhase.values()) {
      errors.labelValues(phase.label());
    }
    for (RejectedInput kind : RejectedInput.values()) {
      rejectedInputs.labelValues(kind.label());
    }
    for (ContainerReport.State state : ContainerReport.State.values()) {
      containerStates.labelValues(state.name().toLowerCase(Locale.ROOT)).set(0);
    }
    for (LatencyEvent event : LatencyEvent.values()) {
      latency.labelValues(event.label());
    }
    for (LateStarterAction action : LateStarterAction.values()) {
      lateStarters.labelValues(action.label());
    }
  }

  /** The registry that {@link HealthServer} exposes. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** One container injected; {@code distro} is the detected os-release ID or "none". */
  public void injected(String distro) {
    injections.labelValues(distros.bound(distro)).inc();
  }

  /** One container not injected; {@code reason} is the policy reason (a short fixed phrase). */
  public void skipped(String reason) {
    skips.labelValues(reasons.bound(reason)).inc();
  }

  /** One error in {@code phase}. */
  public void error(ErrorPhase phase) {
    errors.labelValues(phase.label()).inc();
  }

  /** A distribution family detected in a container root. */
  public void distroDetected(String distro) {
    distroDetections.labelValues(detectedDistros.bound(distro)).inc();
  }

  /** A language runtime (java, node, python, go, ruby, ...) detected in a container root. */
  public void runtimeDetected(String runtime) {
    runtimeDetections.labelValues(runtimes.bound(runtime)).inc();
  }

  /** Time spent answering one NRI request. */
  public void nriRequest(LatencyEvent event, Duration elapsed) {
    latency.labelValues(event.label()).observe(elapsed.toNanos() / 1e9);
  }

  /** Bytes currently staged (measured by the staging store). */
  public void stagedBytes(long bytes) {
    stagedBytes.set(bytes);
  }

  /** Running injected containers, and how many of them carry an outdated CA bundle. */
  public void containers(int injected, int outdated) {
    injectedContainers.set(injected);
    outdatedContainers.set(outdated);
  }

  /** How many containers are in each state of {@link ContainerReport.State}. */
  public void containerStates(Map<ContainerReport.State, Integer> counts) {
    counts.forEach(
        (state, n) -> containerStates.labelValues(state.name().toLowerCase(Locale.ROOT)).set(n));
  }

  /** Runtime connection state: connected at all, and synchronized after (re)connecting. */
  public void runtimeState(boolean connected, boolean synchronizedWithRuntime) {
    runtimeConnected.set(connected ? 1 : 0);
    runtimeSynchronized.set(connected && synchronizedWithRuntime ? 1 : 0);
  }

  /** A new connection to the runtime was made (the first one counts too). */
  public void runtimeConnectionMade() {
    reconnects.inc();
  }

  /**
   * A configured bundle was (re)loaded with {@code certificates} of which the first expires then.
   */
  public void bundleLoaded(String bundle, int certificates, Instant earliestExpiry) {
    String name = bundles.bound(bundle);
    bundleCertificates.labelValues(name).set(certificates);
    bundleExpiry.labelValues(name).set(earliestExpiry.getEpochSecond());
  }

  /** A Kubernetes API call failed; {@code operation} is e.g. "namespace_watch", "event_create". */
  public void k8sApiFailure(String operation) {
    k8sApiFailures.labelValues(operations.bound(operation)).inc();
  }

  /** A container that started while the plugin was not running was handled so. */
  public void lateStarter(LateStarterAction action) {
    lateStarters.labelValues(action.label()).inc();
  }

  /** An input was refused. */
  public void rejected(RejectedInput kind) {
    rejectedInputs.labelValues(kind.label()).inc();
  }

  private Counter counter(String name, String help, String... labels) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .withoutExemplars()
        .register(registry);
  }

  private Gauge gauge(String name, String help, String... labels) {
    return Gauge.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .withoutExemplars()
        .register(registry);
  }
}
