// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.InjectionReport;
import io.cainjekt.k8s.NamespaceLabels;
import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.PodInfo;
import io.cainjekt.observe.ErrorPhase;
import io.cainjekt.observe.LateStarterAction;
import io.cainjekt.policy.Decision;
import io.cainjekt.rootfs.RootfsRefusal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers that started while the plugin was not running ("late starters"): at every Synchronize,
 * the running containers of opted-in pods (the same decision as at CreateContainer) that this
 * plugin never staged. A running container can no longer get the {@code /etc/cainjekt} mount or the
 * environment variables, so with fail policy open its OS trust store is injected in place (state
 * LATE), and with fail policy closed it is stopped, so that its restart is injected in full: first
 * through the runtime (an NRI eviction), then, when the runtime leaves it running past the grace
 * period, by SIGKILL to its init process (containerd up to 2.1 accepts evictions sent with
 * UpdateContainers and ignores them; docs/runtime-behaviour.md, "Synchronize").
 *
 * <p>All of that runs on the executor of {@link Means}, after Synchronize returned: the runtime
 * waits for the Synchronize reply within its plugin request timeout. A pod that opts in only
 * through its namespace is decided once the namespace labels are known. Thread-safe.
 */
final class LateStarters {

  private static final Logger log = LoggerFactory.getLogger(LateStarters.class);

  /** Event reason: the OS trust store of a late starter was injected (no mount, no variables). */
  static final String REASON_INJECTED = "CAInjectedLate";

  /** Event reason: a late starter was stopped (fail policy closed) so that it restarts injected. */
  static final String REASON_STOPPED = "CALateStarterStopped";

  /** What {@code /containers} and {@code cainjekt inspect} say about a late starter. */
  static final String DETAIL =
      "started while the plugin was not running: OS trust store only, no "
          + "/etc/cainjekt mount and no SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS or "
          + "JAVA_TOOL_OPTIONS; restart the pod for full injection";

  /** How long the runtime gets to stop an evicted container before its init process is killed. */
  static final Duration EVICTION_GRACE = Duration.ofSeconds(5);

  /**
   * What handling late starters needs besides the handlers' services.
   *
   * @param executor where the work runs, after the Synchronize that found them returned
   * @param evictions the runtime's eviction (NRI)
   * @param processes the node's processes, for SIGKILL when the runtime ignores an eviction
   * @param grace how long the runtime gets to act on an eviction
   */
  record Means(
      Executor executor, RuntimeEvictions evictions, InitProcesses processes, Duration grace) {

    /** Virtual threads, the node's {@code /proc}, {@link #EVICTION_GRACE}. */
    static Means standard(RuntimeEvictions evictions) {
      return new Means(
          task -> Thread.ofVirtual().name("late-starters").start(task),
          evictions,
          new InitProcesses.Host(Path.of("/proc")),
          EVICTION_GRACE);
    }
  }

  /** A running container that Synchronize listed and this plugin knows nothing of. */
  record Candidate(PodInfo pod, ContainerInfo container) {
    String id() {
      return container.id();
    }

    ContainerRef ref() {
      return ContainerRef.of(pod, container);
    }
  }

  /**
   * Injects a late starter's OS trust store as a rotation would (InjectionHandlers); empty when it
   * turned out to be staged meanwhile.
   */
  @FunctionalInterface
  interface Injector {
    Optional<InjectionReport> inject(PodInfo pod, ContainerInfo c, Decision decision)
        throws Exception;
  }

  /** What is done to an opted-in late starter; chosen by InjectionHandlers from the fail policy. */
  enum Handling {
    /** Its OS trust store is injected in place (fail policy open). */
    INJECT,
    /** It is stopped, so that it restarts injected in full (fail policy closed). */
    STOP
  }

  /** A candidate, with its decision once it could be made. */
  private record Pending(Candidate candidate, Optional<Decision> decision) {}

  /** How a late starter was stopped, or that it was not. */
  private enum Stop {
    EVICTED("nri_eviction"),
    KILLED("sigkill"),
    NOT_STOPPED("none");

    private final String via;

    Stop(String via) {
      this.via = via;
    }
  }

  private final InjectionHandlers.Services services;
  private final BiFunction<PodInfo, ContainerInfo, Decision> decide;
  private final Injector injector;
  private final Handling handling;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  LateStarters(
      InjectionHandlers.Services services,
      BiFunction<PodInfo, ContainerInfo, Decision> decide,
      Injector injector,
      Handling handling) {
    this.services = services;
    this.decide = decide;
    this.injector = injector;
    this.handling = handling;
  }

  /**
   * Decides about the candidates of one Synchronize (they replace those of an earlier one) and
   * hands the opted-in ones to the executor; returns how many that is. The plugin's own container
   * is never one of them.
   */
  int synchronize(List<Candidate> candidates) {
    Set<String> ids = candidates.stream().map(Candidate::id).collect(Collectors.toSet());
    pending.keySet().retainAll(ids);
    int late = 0;
    int waiting = 0;
    for (Candidate c : candidates) {
      Optional<Decision> decision = decision(c);
      if (decision.isPresent() && !decision.get().inject()
          || means().processes().ownContainer(c.id())) {
        pending.remove(c.id());
        continue;
      }
      pending.put(c.id(), new Pending(c, decision));
      if (decision.isPresent()) {
        late++;
      } else {
        waiting++;
      }
    }
    if (waiting > 0) {
      log.atInfo()
          .setMessage("inject: running containers wait for their namespace labels")
          .addKeyValue("containers", waiting)
          .log();
      services
          .namespaces()
          .orElseThrow()
          .ready()
          .thenRunAsync(this::decideWaiting, means().executor());
    }
    if (late > 0) {
      means().executor().execute(this::drain);
    }
    return late;
  }

  /** RemoveContainer: a container that is gone is neither injected nor stopped any more. */
  void removed(String containerId) {
    pending.remove(containerId);
  }

  /**
   * The decision as at CreateContainer; empty while it hinges on namespace labels not known yet, in
   * which case it is made again once they are.
   */
  private Optional<Decision> decision(Candidate c) {
    Decision d = decide.apply(c.pod(), c.container());
    Optional<NamespaceLabels> namespaces = services.namespaces();
    if (d.reason() == Decision.Reason.NAMESPACE_UNKNOWN
        && namespaces.isPresent()
        && !namespaces.get().synced()) {
      return Optional.empty();
    }
    c.ref()
        .keys(log.atDebug().setMessage("inject: running container found at synchronize"))
        .addKeyValue("reason", d.reason().label())
        .log();
    return Optional.of(d);
  }

  /** The namespace labels are known: decide about the candidates that waited for them. */
  private void decideWaiting() {
    for (Pending p : List.copyOf(pending.values())) {
      if (p.decision().isEmpty()) {
        Decision d = decide.apply(p.candidate().pod(), p.candidate().container());
        if (!d.inject()) {
          pending.remove(p.candidate().id(), p);
        } else {
          pending.replace(p.candidate().id(), p, new Pending(p.candidate(), Optional.of(d)));
        }
      }
    }
    drain();
  }

  /** Handles every decided candidate once, on the executor's thread. */
  private void drain() {
    for (Pending p : List.copyOf(pending.values())) {
      if (p.decision().isPresent() && pending.remove(p.candidate().id(), p)) {
        try {
          switch (handling) {
            case INJECT -> inject(p.candidate(), p.decision().get());
            case STOP -> stop(p.candidate());
          }
        } catch (RuntimeException e) { // boundary: a scheduled task must go on with the next
          failed(p.candidate(), "handle a late starter", e);
        }
      }
    }
  }

  /** Fail policy open: the OS trust store in place, through the handlers' pipeline. */
  private void inject(Candidate c, Decision decision) {
    Optional<InjectionReport> report;
    try {
      report = injector.inject(c.pod(), c.container(), decision);
    } catch (Exception e) {
      failed(c, "inject the OS trust store", e);
      return;
    }
    if (report.isEmpty()) {
      return; // staged meanwhile: CreateContainer saw it after all
    }
    InjectionReport r = report.get();
    if (r.anyFailed()) {
      Set<RootfsRefusal> refusals = Reports.refusals(r);
      refusals.forEach(x -> services.metrics().rejected(Reports.rejectedInput(x)));
      failed(c, String.join("; ", Reports.errors(r)), null);
      return;
    }
    services.metrics().lateStarter(LateStarterAction.INJECTED);
    services
        .warnings()
        .warn(
            c.pod(),
            REASON_INJECTED,
            "container "
                + c.container().name()
                + " started while cainjekt was not running: its OS trust store now holds bundle "
                + decision.bundle().orElseThrow()
                + ", but it has no /etc/cainjekt and none of the environment variables;"
                + " restart the pod for full injection");
    line(c, LateStarterAction.INJECTED)
        .addKeyValue("bundle", decision.bundle().orElseThrow())
        .addKeyValue("distro", r.distro().orElse("none"))
        .addKeyValue("files_written", Reports.changedPaths(r).size())
        .addKeyValue("detail", "os trust store only: no /etc/cainjekt mount, no environment")
        .log();
  }

  /**
   * Fail policy closed: asks the runtime to evict the container; when the runtime refuses, or has
   * not stopped it within the grace period, kills its init process.
   */
  private void stop(Candidate c) {
    ContainerInfo ct = c.container();
    Optional<InitProcesses.InitProcess> process = means().processes().find(ct.pid(), ct.id());
    String reason =
        "cainjekt: container started while the plugin was not running (fail policy closed);"
            + " restarted, it gets the CAs";
    CompletableFuture<Optional<Throwable>> answer =
        means()
            .evictions()
            .evict(ct.id(), reason)
            .handle((ok, error) -> Optional.ofNullable(unwrap(error)));
    answer
        .thenCompose(runtime -> stopped(process, runtime))
        .whenComplete(
            (stop, error) -> {
              if (error != null) {
                failed(c, "stop the container", unwrap(error));
              } else {
                reportStop(c, stop, answer.join());
              }
            });
  }

  private CompletableFuture<Stop> stopped(
      Optional<InitProcesses.InitProcess> process, Optional<Throwable> runtimeError) {
    if (process.isEmpty()) {
      return CompletableFuture.completedFuture(Stop.NOT_STOPPED);
    }
    InitProcesses.InitProcess p = process.get();
    CompletableFuture<Boolean> byRuntime =
        runtimeError.isEmpty()
            ? p.exitsWithin(means().grace())
            : CompletableFuture.completedFuture(false);
    return byRuntime.thenCompose(
        exited -> {
          if (exited) {
            return CompletableFuture.completedFuture(Stop.EVICTED);
          }
          if (!p.kill()) {
            return CompletableFuture.completedFuture(Stop.NOT_STOPPED);
          }
          return p.exitsWithin(means().grace())
              .thenApply(gone -> gone ? Stop.KILLED : Stop.NOT_STOPPED);
        });
  }

  private void reportStop(Candidate c, Stop stop, Optional<Throwable> runtimeError) {
    String answer = runtimeError.map(e -> String.valueOf(e.getMessage())).orElse("ok");
    if (stop == Stop.NOT_STOPPED) {
      failed(
          c,
          "stop the container: the runtime answered the eviction with "
              + answer
              + " and its init process (pid "
              + c.container().pid()
              + ") could not be killed; restart the pod",
          null);
      return;
    }
    services
        .metrics()
        .lateStarter(stop == Stop.EVICTED ? LateStarterAction.EVICTED : LateStarterAction.KILLED);
    services
        .warnings()
        .warn(
            c.pod(),
            REASON_STOPPED,
            "container "
                + c.container().name()
                + " started while cainjekt was not running; stopped (fail policy closed, via "
                + (stop == Stop.EVICTED ? "the runtime's eviction" : "SIGKILL of its init process")
                + ") so that it restarts with the CAs");
    line(c, stop == Stop.EVICTED ? LateStarterAction.EVICTED : LateStarterAction.KILLED)
        .addKeyValue("via", stop.via)
        .addKeyValue("eviction_answer", answer)
        .addKeyValue("pid", c.container().pid())
        .log();
  }

  /** Neither injected nor stopped: one line, the metrics, an Event on the pod. */
  private void failed(Candidate c, String what, Throwable cause) {
    String message = what + (cause == null ? "" : ": " + cause.getMessage());
    services.metrics().lateStarter(LateStarterAction.FAILED);
    services.metrics().error(ErrorPhase.SYNCHRONIZE);
    services
        .warnings()
        .warn(
            c.pod(),
            InjectionHandlers.REASON_FAILED,
            "container "
                + c.container().name()
                + " (started while cainjekt was not running): "
                + message);
    var line =
        c.ref()
            .keys(
                (handling == Handling.STOP ? log.atError() : log.atWarn())
                    .setMessage("inject: late starter"))
            .addKeyValue("action", LateStarterAction.FAILED.label())
            .addKeyValue("handling", handling.name())
            .addKeyValue("error", message);
    (cause == null ? line : line.setCause(cause)).log();
  }

  private org.slf4j.spi.LoggingEventBuilder line(Candidate c, LateStarterAction action) {
    return c.ref()
        .keys(log.atInfo().setMessage("inject: late starter"))
        .addKeyValue("action", action.label())
        .addKeyValue("handling", handling.name());
  }

  private Means means() {
    return services.late();
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
