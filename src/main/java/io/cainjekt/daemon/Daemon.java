// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.Caches;
import io.cainjekt.inject.Staging;
import io.cainjekt.nri.Backoff;
import io.cainjekt.nri.ConnectionProblem;
import io.cainjekt.nri.ContainerEviction;
import io.cainjekt.nri.NriState;
import io.cainjekt.nri.NriStub;
import io.cainjekt.observe.HealthServer;
import io.cainjekt.observe.Metrics;
import io.cainjekt.observe.Readiness;
import io.cainjekt.policy.OptInPolicy;
import io.cainjekt.policy.PolicyConfig;
import io.cainjekt.trust.LoadedBundle;
import io.cainjekt.trust.NamedSource;
import io.cainjekt.trust.TrustBundleException;
import io.cainjekt.trust.TrustBundles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code cainjekt run}: builds the components from {@link Config}, starts
 * them (bundles, staging, metrics and health server, then the runtime connection last, so nothing
 * is subscribed before it can answer), and closes them in reverse order, once. Thread-safe.
 */
public final class Daemon implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  /** How often bundle files are re-read besides file-system events. */
  static final Duration BUNDLE_POLL = Duration.ofSeconds(5);

  private final Config config;
  // everything remembered from one container to the next (docs/architecture.md)
  private final Caches caches;
  private final Metrics metrics = new Metrics();
  private final Readiness readiness = new Readiness();
  private final Readiness.Condition connected =
      readiness.condition(Readiness.RUNTIME_CONNECTED, "not connected to the runtime yet");
  private final Readiness.Condition synced =
      readiness.condition(Readiness.RUNTIME_SYNCHRONIZED, "not synchronized with the runtime yet");
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final AtomicBoolean starting = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile NriStub nri;
  private volatile HealthServer http;

  public Daemon(Config config) {
    this.config = Objects.requireNonNull(config, "config");
    this.caches = Caches.without(config.cachesOff());
  }

  /** What this daemon remembers from one container to the next (for tests). */
  Caches caches() {
    return caches;
  }

  /**
   * Starts every component and returns; the runtime connection keeps retrying in the background.
   *
   * @throws IOException when a bundle cannot be loaded, the staging directory cannot be used or the
   *     HTTP address cannot be bound; the message says which
   */
  public void start() throws IOException {
    if (!starting.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    log.atInfo()
        .setMessage("daemon: starting")
        .addKeyValue("nri_socket", config.nri().socket())
        .addKeyValue("plugin", config.nri().pluginIndex() + "-" + config.nri().pluginName())
        .addKeyValue("ca_bundles", config.caBundles().size())
        .addKeyValue("max_bundle_certificates", config.bundleLimits().maxCertificates())
        .addKeyValue("max_bundle_bytes", config.bundleLimits().maxBytes())
        .addKeyValue("fail_policy", config.failPolicy())
        .log();
    try {
      TrustBundles bundles = own(openBundles());
      Staging staging = own(Staging.open(config.stagingDir()));
      KubernetesApi k8s = own(KubernetesApi.start(config.kubernetes(), metrics));
      InjectionHandlers handlers = new InjectionHandlers(services(bundles, staging, k8s));
      bundles.addListener(b -> bundleLoaded(b, handlers.convergence()));
      nri = own(new NriStub(nriOptions(), handlers));
      nri.addStateListener(this::runtimeState);
      handlers.updateGauges();
      nri.start(); // connects in the background while the HTTP server comes up
      http = own(HealthServer.start(config.httpAddress(), metrics, readiness, handlers::reports));
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private TrustBundles openBundles() throws TrustBundleException {
    var sources =
        config.caBundles().stream().map(b -> new NamedSource(b.name(), b.path())).toList();
    BundleRefusals refusals = new BundleRefusals(metrics);
    TrustBundles bundles;
    try {
      bundles = TrustBundles.open(sources, config.bundleLimits(), BUNDLE_POLL);
    } catch (TrustBundleException e) {
      refusals.atStart(e);
      throw e;
    }
    bundles.addErrorListener(refusals);
    for (String name : bundles.names()) {
      bundles.get(name).ifPresent(this::recordBundle);
    }
    return bundles;
  }

  private InjectionHandlers.Services services(
      TrustBundles bundles, Staging staging, KubernetesApi k8s) throws IOException {
    var names = config.caBundles().stream().map(CaBundleSource::name).toList();
    return InjectionHandlers.Services.standard(
        caches,
        new OptInPolicy(
            new PolicyConfig(
                config.annotationPrefix(), PolicyConfig.DEFAULT_EXCLUDED_CONTAINERS, names)),
        config.annotationPrefix(),
        k8s.namespaces(),
        bundles,
        staging,
        new ContainerRoots(Path.of("/proc")),
        config.failPolicy(),
        metrics,
        k8s.warnings(),
        LateStarters.Means.standard(this::evict));
  }

  /** An NRI eviction through the current runtime connection (late starters, fail policy closed). */
  private CompletableFuture<Void> evict(String containerId, String reason) {
    NriStub stub = nri;
    return stub == null
        ? CompletableFuture.failedFuture(new IllegalStateException("no runtime connection yet"))
        : stub.evictContainers(List.of(new ContainerEviction(containerId, reason)));
  }

  private NriStub.Options nriOptions() {
    Config.Nri n = config.nri();
    return new NriStub.Options(
        n.socket(), n.pluginName(), n.pluginIndex(), n.registrationTimeout(), Backoff.DEFAULT);
  }

  private void bundleLoaded(LoadedBundle bundle, Convergence convergence) {
    recordBundle(bundle);
    log.atInfo()
        .setMessage("trust: bundle loaded")
        .addKeyValue("bundle", bundle.name())
        .addKeyValue("certificates", bundle.bundle().size())
        .addKeyValue("ca_sha256", bundle.bundle().contentHash().shortHex())
        .log();
    convergence.rotate(bundle);
  }

  private void recordBundle(LoadedBundle b) {
    metrics.bundleLoaded(
        b.name(), b.bundle().size(), b.bundle().earliestExpiry().orElse(Instant.EPOCH));
  }

  /** Readiness names the stub's current problem (docs/troubleshooting.md quotes the phrases). */
  private void runtimeState(NriState state) {
    NriStub stub = nri;
    String why =
        stub == null
            ? "not connected to the runtime"
            : stub.problem().map(ConnectionProblem::reason).orElse("not connected to the runtime");
    connected.set(state != NriState.DISCONNECTED, why);
    synced.set(state == NriState.SYNCHRONIZED, "not synchronized with the runtime");
    metrics.runtimeState(state != NriState.DISCONNECTED, state == NriState.SYNCHRONIZED);
    if (state == NriState.CONNECTED) {
      metrics.runtimeConnectionMade();
    }
  }

  private <T extends AutoCloseable> T own(T component) {
    started.push(component);
    return component;
  }

  /** The runtime connection state, for readiness. */
  public NriState nriState() {
    NriStub stub = nri;
    return stub == null ? NriState.DISCONNECTED : stub.state();
  }

  /** Where the metrics and health server listens (its port when 0 was asked for). */
  public Optional<InetSocketAddress> httpAddress() {
    HealthServer server = http;
    return server == null ? Optional.empty() : Optional.of(server.address());
  }

  /** Blocks until {@link #close()} ran. */
  public void awaitClosed() throws InterruptedException {
    done.await();
  }

  /** Stops everything in reverse start order. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.atInfo().setMessage("daemon: stopping").log();
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.atWarn()
            .setMessage("daemon: close failed")
            .addKeyValue("component", c.getClass())
            .setCause(e)
            .log();
      }
    }
    done.countDown();
  }
}
