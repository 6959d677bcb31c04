// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import com.google.protobuf.ByteString;
import io.cainjekt.inject.Caches;
import io.cainjekt.inject.EnvMerge;
import io.cainjekt.inject.EnvMerger;
import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.Pipeline;
import io.cainjekt.inject.PlanMemo;
import io.cainjekt.inject.SafeDefaults;
import io.cainjekt.inject.Staging;
import io.cainjekt.k8s.NamespaceLabels;
import io.cainjekt.nri.Adjustment;
import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.ContainerState;
import io.cainjekt.nri.Mount;
import io.cainjekt.nri.NriPlugin;
import io.cainjekt.nri.PodInfo;
import io.cainjekt.nri.SyncSnapshot;
import io.cainjekt.observe.ContainerReport;
import io.cainjekt.observe.ErrorPhase;
import io.cainjekt.observe.LatencyEvent;
import io.cainjekt.observe.Metrics;
import io.cainjekt.policy.Decision;
import io.cainjekt.policy.OptInPolicy;
import io.cainjekt.policy.PolicyInput;
import io.cainjekt.rootfs.RootfsRefusal;
import io.cainjekt.trust.LoadedBundle;
import io.cainjekt.trust.TrustBundles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns NRI events into policy decisions and injection work. CreateContainer stages safe defaults
 * Turns NRI events into policy decisions and injection work. CreateContainer stages safe defaults
 * and answers the mount, environment and annotation of docs/architecture.md, "What a container
 * sees"; StartContainer runs the pipeline on the container root and refills the staged files;
 * RemoveContainer releases them; Synchronize rebuilds the view after a restart and hands running
 * containers it never saw to {@link LateStarters}; {@link Convergence} runs the pipeline on
 * container roots and re-injects running containers when a bundle changes. Fail-open versus
 * fail-closed is decided here and nowhere else (for late starters: injected in place, or stopped).
 * Thread-safe: work on one container is serialized by a per-container lock.
 */
final class InjectionHandlers implements NriPlugin {

  private static final Logger log = LoggerFactory.getLogger(InjectionHandlers.class);

  /** Event reason of an injection that failed. */
  static final String REASON_FAILED = "CAInjectionFailed";

  /** Event reason of an injection refused because the image's paths are unsafe (hostile). */
  static final String REASON_REFUSED = "CAInjectionRefused";

  /** Mount options of the staged directory: read-only, not propagated back to the host. */
  static final List<String> MOUNT_OPTIONS = List.of("rbind", "ro", "rprivate");

  private final Services services;
  private final InjectedContainers containers = new InjectedContainers();
  private final Convergence convergence;
  private final LateStarters lateStarters;

  /** Everything the handlers use; built by {@code Daemon}. */
  record Services(
      OptInPolicy policy,
      String annotationPrefix,
      Optional<NamespaceLabels> namespaces,
      TrustBundles bundles,
      Staging staging,
      StagedDefaults defaults,
      EnvMerger env,
      Pipeline pipeline,
      PlanMemo plans,
      ContainerRoots roots,
      FailPolicy failPolicy,
      Metrics metrics,
      PodWarnings warnings,
      LateStarters.Means late) {

    /**
     * The production wiring around what varies: the staged defaults from this JVM's own public
     * roots, the default environment variables and the standard pipeline, remembering in {@code
     * caches}.
     */
    static Services standard(
        Caches caches,
        OptInPolicy policy,
        String annotationPrefix,
        Optional<NamespaceLabels> namespaces,
        TrustBundles bundles,
        Staging staging,
        ContainerRoots roots,
        FailPolicy failPolicy,
        Metrics metrics,
        PodWarnings warnings,
        LateStarters.Means late)
        throws IOException {
      return new Services(
          policy,
          annotationPrefix,
          namespaces,
          bundles,
          staging,
          new StagedDefaults(SafeDefaults.jdkRoots(Path.of(System.getProperty("java.home")))),
          new EnvMerger(EnvMerger.defaultVariables()),
          Pipeline.standard(caches.trust()),
          caches.plans(),
          roots,
          failPolicy,
          metrics,
          warnings,
          late);
    }
  }

  InjectionHandlers(Services services) {
    this.services = services;
    this.convergence = new Convergence(services, containers, this::updateGauges);
    this.lateStarters =
        new LateStarters(
            services,
            this::decide,
            this::injectLate,
            services.failPolicy() == FailPolicy.CLOSED
                ? LateStarters.Handling.STOP // it must not run without its CAs
                : LateStarters.Handling.INJECT);
  }

  /** Rotations and every pipeline run on a container root. */
  Convergence convergence() {
    return convergence;
  }

  /** The containers this plugin injected, for /containers and {@code cainjekt inspect}. */
  List<ContainerReport> reports() {
    return containers.reports(
        name -> services.bundles().get(name).map(b -> b.bundle().contentHash()));
  }

  /** CreateContainer: decide, stage the defaults, answer the adjustment. */
  @Override
  public Adjustment createContainer(PodInfo pod, ContainerInfo c) throws InjectionFailedException {
    long start = System.nanoTime();
    Decision decision = decide(pod, c);
    if (!decision.inject()) {
      services.metrics().skipped(decision.reason().label());
      logDecision("inject: skipped", pod, c, decision);
      return Adjustment.none();
    }
    try {
      LoadedBundle bundle = services.bundles().get(decision.bundle().orElseThrow()).orElseThrow();
      Adjustment adjustment = containers.withLock(c.id(), () -> stage(pod, c, bundle, decision));
      updateGauges();
      services.metrics().nriRequest(LatencyEvent.CREATE_CONTAINER, since(start));
      logDecision("inject: staged", pod, c, decision);
      return adjustment;
    } catch (Exception e) {
      fail(ErrorPhase.CREATE_CONTAINER, REASON_FAILED, pod, c, "stage /etc/cainjekt", e);
      return Adjustment.none();
    }
  }

  private Decision decide(PodInfo pod, ContainerInfo c) {
    Optional<Map<String, String>> nsLabels =
        services.namespaces().isPresent()
            ? services.namespaces().get().labels(pod.namespace())
            : Optional.of(Map.of());
    Decision decision =
        services
            .policy()
            .decide(new PolicyInput(pod.annotations(), pod.labels(), nsLabels, c.name()));
    for (String warning : decision.warnings()) {
      ContainerRef.of(pod, c)
          .keys(log.atWarn().setMessage("policy: suspicious annotation or label"))
          .addKeyValue("warning", warning)
          .log();
    }
    return decision;
  }

  private Adjustment stage(PodInfo pod, ContainerInfo c, LoadedBundle bundle, Decision decision)
      throws IOException {
    Map<String, ByteString> defaults = services.defaults().keep(bundle, services.staging());
    Optional<Path> anchors = services.defaults().anchors(bundle, services.staging());
    var dir = services.staging().prepare(c.id(), defaults);
    EnvMerge env = services.env().merge(c.env());
    List<Mount> mounts = new ArrayList<>();
    mounts.add(new Mount(EnvMerger.MOUNT_PATH, "bind", dir.toString(), MOUNT_OPTIONS));
    Staged staged = Staged.of(pod, c, bundle.name(), decision.processors(), false);
    if (anchors.isPresent()) {
      mounts.add(
          new Mount(EnvMerger.ANCHORS_PATH, "bind", anchors.get().toString(), MOUNT_OPTIONS));
      staged = staged.withMount(EnvMerger.ANCHORS_PATH);
    }
    containers.put(
        staged,
        Injection.before(
            ContainerReport.State.STAGED, bundle.bundle().contentHash(), Optional.empty()));
    return new Adjustment(
        mounts,
        env.toSet(),
        Map.of(
            services.annotationPrefix() + "/injected",
            "bundle=" + bundle.name() + " ca-sha256=" + bundle.bundle().contentHash().shortHex()));
  }

  /** StartContainer: run the pipeline on the container root, refill the staged files. */
  @Override
  public void startContainer(PodInfo pod, ContainerInfo c) throws InjectionFailedException {
    if (containers.get(c.id()).isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    try {
      PlanMemo.Run run = containers.withLock(c.id(), () -> convergence.run(c.id(), c.pid(), true));
      InjectionReport report = run.report();
      updateGauges();
      services.metrics().nriRequest(LatencyEvent.START_CONTAINER, since(start));
      logInjected(pod, c, run, since(start));
      if (report.anyFailed()) {
        Set<RootfsRefusal> refusals = Reports.refusals(report);
        refusals.forEach(r -> services.metrics().rejected(Reports.rejectedInput(r)));
        String reason = refusals.isEmpty() ? REASON_FAILED : REASON_REFUSED;
        fail(ErrorPhase.START_CONTAINER, reason, pod, c, failures(report), null);
      }
    } catch (InjectionFailedException e) {
      throw e;
    } catch (Exception e) {
      containers.update(c.id(), i -> i.failed(e));
      fail(ErrorPhase.START_CONTAINER, REASON_FAILED, pod, c, "inject into the container root", e);
    }
  }

  /**
   * A running container that started while the plugin was away (LateStarters): its OS trust store
   * gets a full run as in a rotation, and a staged directory, never mounted, keeps the run's files
   * and ownership record, so later rotations and RemoveContainer treat it like any other. Empty
   * when the container turned out to be staged meanwhile.
   */
  private Optional<InjectionReport> injectLate(PodInfo pod, ContainerInfo c, Decision decision)
      throws Exception {
    LoadedBundle bundle = services.bundles().get(decision.bundle().orElseThrow()).orElseThrow();
    Optional<InjectionReport> report =
        containers.withLock(
            c.id(),
            () -> {
              if (containers.get(c.id()).isPresent()
                  || services.staging().containerIds().contains(c.id())) {
                return Optional.<InjectionReport>empty();
              }
              services.staging().prepare(c.id(), Map.of());
              containers.put(
                  Staged.of(pod, c, bundle.name(), decision.processors(), true),
                  Injection.before(
                      ContainerReport.State.LATE, bundle.bundle().contentHash(), Optional.empty()));
              try {
                return Optional.of(convergence.run(c.id(), c.pid(), false).report());
              } catch (IOException | RuntimeException e) {
                containers.update(c.id(), i -> i.failed(e));
                throw e;
              }
            });
    updateGauges();
    return report;
  }

  /** RemoveContainer: forget the container and release its staged files. */
  @Override
  public void removeContainer(PodInfo pod, ContainerInfo c) {
    lateStarters.removed(c.id());
    if (containers.get(c.id()).isEmpty() && !services.staging().containerIds().contains(c.id())) {
      return;
    }
    try {
      containers.withLock(
          c.id(),
          () -> {
            containers.remove(c.id());
            services.staging().release(c.id());
            return null;
          });
      ContainerRef.of(pod, c).keys(log.atInfo().setMessage("inject: released")).log();
    } catch (Exception e) {
      services.metrics().error(ErrorPhase.REMOVE_CONTAINER);
      log.atWarn()
          .setMessage("inject: release failed")
          .addKeyValue("container_id", c.shortId())
          .setCause(e)
          .log();
    } finally {
      containers.forgetLock(c.id());
      updateGauges();
    }
  }

  /**
   * Synchronize: the runtime's full state after (re)connecting. Staged directories of containers
   * the runtime still reports are kept and their entries rebuilt from our annotation; everything
   * else is an orphan and removed. Running containers with nothing staged go to {@link
   * LateStarters}, which handles those that are opted in after this returns. Containers holding an
   * outdated bundle are re-injected, also after this returns.
   */
  @Override
  public void synchronize(SyncSnapshot snapshot) throws IOException {
    Map<String, PodInfo> pods =
        snapshot.pods().stream().collect(Collectors.toMap(PodInfo::id, p -> p, (a, b) -> a));
    Set<String> live = new HashSet<>();
    Set<String> staged = services.staging().containerIds();
    List<LateStarters.Candidate> unknown = new ArrayList<>();
    for (ContainerInfo c : snapshot.containers()) {
      live.add(c.id());
      PodInfo pod = pods.get(c.podSandboxId());
      if (pod != null && containers.get(c.id()).isEmpty()) {
        Resync.restore(c, pod, services, containers);
      }
      if (pod != null && c.state() == ContainerState.RUNNING && !staged.contains(c.id())) {
        unknown.add(new LateStarters.Candidate(pod, c));
      }
    }
    services.staging().retainOnly(live);
    containers.retainOnly(live);
    int late = lateStarters.synchronize(unknown);
    log.atInfo()
        .setMessage("inject: synchronized")
        .addKeyValue("containers", live.size())
        .addKeyValue("injected", containers.all().size())
        .addKeyValue("late_starters", late)
        .log();
    convergence.afterSynchronize();
  }

  /**
   * Refreshes the gauges derived from the view (injected, outdated, staged bytes): after every
   * change of the view, without building its reports.
   */
  void updateGauges() {
    int[] counts =
        containers.counts(name -> services.bundles().get(name).map(b -> b.bundle().contentHash()));
    services.metrics().containers(counts[0], counts[1]);
    services.metrics().containerStates(containers.byState());
    services.metrics().stagedBytes(services.staging().stagedBytes());
  }

  private void fail(
      ErrorPhase phase, String reason, PodInfo pod, ContainerInfo c, String what, Exception cause)
      throws InjectionFailedException {
    services.metrics().error(phase);
    String message = what + (cause == null ? "" : ": " + cause.getMessage());
    services.warnings().warn(pod, reason, "container " + c.name() + ": " + message);
    var line =
        ContainerRef.of(pod, c)
            .keys(log.atWarn().setMessage("inject: failed").addKeyValue("phase", phase.name()))
            .addKeyValue("fail_policy", services.failPolicy().name())
            .addKeyValue("error", message);
    (cause == null ? line : line.setCause(cause)).log();
    if (services.failPolicy() == FailPolicy.CLOSED) {
      throw new InjectionFailedException(
          "cainjekt: container "
              + c.name()
              + " in pod "
              + pod.namespace()
              + "/"
              + pod.name()
              + ": "
              + message
              + " (fail policy closed)",
          cause);
    }
  }

  private static String failures(InjectionReport report) {
    return String.join("; ", Reports.errors(report));
  }

  private void logDecision(String message, PodInfo pod, ContainerInfo c, Decision decision) {
    ContainerRef.of(pod, c)
        .keys(log.atInfo().setMessage(message))
        .addKeyValue("reason", decision.reason().label())
        .addKeyValue("source", decision.source())
        .log();
  }

  private void logInjected(PodInfo pod, ContainerInfo c, PlanMemo.Run run, Duration took) {
    InjectionReport r = run.report();
    ContainerRef.of(pod, c)
        .keys(log.atInfo().setMessage("inject: injected"))
        .addKeyValue("distro", r.distro().orElse("none"))
        .addKeyValue(
            "root", containers.get(c.id()).flatMap(e -> e.injection().root()).map(x -> x.kind()))
        .addKeyValue("failed", r.anyFailed())
        .addKeyValue("plan", run.replayed() ? "replayed" : "computed")
        .addKeyValue("ms", took.toNanos() / 1e6)
        .log();
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
