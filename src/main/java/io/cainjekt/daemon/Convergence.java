// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.InjectionRequest;
import io.cainjekt.inject.Ownership;
import io.cainjekt.inject.PlanMemo;
import io.cainjekt.observe.ContainerReport;
import io.cainjekt.observe.ErrorPhase;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.LoadedBundle;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every pipeline run on a container root, and the convergence of running containers to the current
 * version of their bundle (docs/architecture.md, "Exact ownership"). A container's first run, at
 * StartContainer, may replay its image's plan; a run on a running container (a rotation, a late
 * starter) is a full run that takes out what the previous version added, with the union of old and
 * new ownership journaled to staging before its first write. A bundle change, and every
 * Synchronize, re-injects the containers holding an older version. Remembers the image plans
 * ({@link PlanMemo}); thread-safe: work on one container holds its lock ({@link
 * InjectedContainers#withLock}).
 */
final class Convergence {

  private static final Logger log = LoggerFactory.getLogger(Convergence.class);

  private final InjectionHandlers.Services services;
  private final InjectedContainers containers;
  private final PlanMemo plans;
  private final Runnable gauges;

  /**
   * @param gauges refreshes the gauges derived from the view; called after the view changed
   */
  Convergence(InjectionHandlers.Services services, InjectedContainers containers, Runnable gauges) {
    this.services = services;
    this.containers = containers;
    this.plans = services.plans();
    this.gauges = gauges;
  }

  /**
   * Runs the pipeline for a staged container with the current version of its bundle and stores the
   * result. At its start ({@code starting}) a container's root holds only its image, so the image's
   * plan may be replayed (its staged files are refilled while the root is changed); a running
   * container's root always gets a full run. Caller holds the container's lock.
   */
  PlanMemo.Run run(String id, int pid, boolean starting) throws IOException {
    InjectedContainers.Entry entry = containers.get(id).orElseThrow();
    Staged staged = entry.staged();
    LoadedBundle bundle =
        services
            .bundles()
            .get(staged.bundle())
            .orElseThrow(() -> new IOException("bundle " + staged.bundle() + " is gone"));
    ContainerRoots.Root root = root(entry.injection(), id, pid);
    if (!starting && !root.stillThere()) {
      throw exited(id);
    }
    Ownership previous = starting ? Ownership.NONE : Resync.ownership(services.staging(), id);
    PlanMemo.Run run =
        plans.run(
            services.pipeline(),
            new InjectionRequest(
                RootFs.openForInjection(root.hostPath()),
                bundle.bundle(),
                staged.env(),
                staged.volumeMountPaths(),
                staged.filter(),
                false,
                previous,
                starting ? InjectionRequest.Journal.NONE : intent -> journal(id, root, intent)),
            starting ? root.imageLayers() : Optional.empty(),
            done -> services.staging().replace(id, done.files()));
    record(id, Injection.after(run.report(), bundle.bundle().contentHash(), root, staged.late()));
    return run;
  }

  private ContainerRoots.Root root(Injection injection, String id, int pid) throws IOException {
    if (injection.root().isPresent()) {
      return injection.root().get();
    }
    return services
        .roots()
        .find(id, pid)
        .orElseThrow(
            () -> new IOException("no root found for container " + id + " (pid " + pid + ")"));
  }

  /** Stores a run's outcome in the view and counts it. */
  private void record(String id, Injection outcome) {
    containers.update(id, previous -> outcome);
    services.metrics().injected(outcome.distro());
    services.metrics().distroDetected(outcome.distro());
    outcome.runtimes().forEach(services.metrics()::runtimeDetected);
  }

  /**
   * Before a running container's root is first written: the root must still be the container's (not
   * the empty mount point it leaves on exit), and the staged ownership must hold every entry the
   * run may add, in case the plugin dies before the run's files are staged.
   */
  private void journal(String id, ContainerRoots.Root root, Ownership intent) throws IOException {
    if (!root.stillThere()) {
      throw exited(id);
    }
    services.staging().replace(id, Map.of(InjectionReport.OWNERSHIP, intent.toBytes()));
  }

  private static IOException exited(String id) {
    return new IOException("the root of container " + id + " is gone: the container exited");
  }

  /**
   * After a Synchronize, on the late-starter executor: converging many containers may take longer
   * than the runtime waits for the Synchronize reply.
   */
  void afterSynchronize() {
    List<LoadedBundle> current =
        services.bundles().names().stream()
            .flatMap(n -> services.bundles().get(n).stream())
            .toList();
    services.late().executor().execute(() -> current.forEach(this::rotate));
  }

  /**
   * A bundle changed: every running container injected with an older version gets the new one, in
   * its staged files and, where it was written, its OS trust store.
   */
  void rotate(LoadedBundle bundle) {
    try {
      services
          .defaults()
          .keep(bundle, services.staging()); // the previous version's defaults go once unused
      services.defaults().anchors(bundle, services.staging()); // mounted: every container sees it
    } catch (IllegalStateException e) { // defaults that cannot be built fail CreateContainer
      log.atWarn()
          .setMessage("staging: cannot build the staged defaults")
          .addKeyValue("bundle", bundle.name())
          .setCause(e)
          .log();
    }
    List<InjectedContainers.Entry> outdated =
        containers.outdated(bundle.name(), bundle.bundle().contentHash());
    for (InjectedContainers.Entry e : outdated) {
      if (e.injection().root().isPresent()) { // one not started yet only gets new staged files
        containers.update(e.id(), i -> i.in(ContainerReport.State.CONVERGING));
      }
    }
    gauges.run();
    int failed = 0;
    for (InjectedContainers.Entry e : outdated) {
      if (!rotate(e, bundle)) {
        failed++;
      }
    }
    gauges.run();
    log.atInfo()
        .setMessage("inject: converged")
        .addKeyValue("bundle", bundle.name())
        .addKeyValue("ca_sha256", bundle.bundle().contentHash().shortHex())
        .addKeyValue("rotated", outdated.size() - failed)
        .addKeyValue("failed", failed)
        .log();
  }

  /** One outdated container: new staged files, and a full run when it was started. */
  private boolean rotate(InjectedContainers.Entry e, LoadedBundle bundle) {
    try {
      containers.withLock(
          e.id(),
          () -> {
            Injection i = e.injection();
            if (i.state() == ContainerReport.State.STAGED && i.root().isEmpty()) {
              services.staging().replace(e.id(), services.defaults().files(bundle));
              containers.update(e.id(), now -> now.restaged(bundle.bundle().contentHash()));
            } else {
              run(e.id(), 0, false);
            }
            return null;
          });
      e.staged()
          .ref()
          .keys(log.atInfo().setMessage("inject: rotated"))
          .addKeyValue("bundle", bundle.name())
          .addKeyValue("ca_sha256", bundle.bundle().contentHash().shortHex())
          .log();
      return true;
    } catch (Exception ex) { // boundary: one container's failure must not stop the others
      containers.update(e.id(), i -> i.in(ContainerReport.State.FAILED));
      services.metrics().error(ErrorPhase.STAGING);
      e.staged().ref().keys(log.atWarn().setMessage("inject: rotation failed")).setCause(ex).log();
      return false;
    }
  }
}
