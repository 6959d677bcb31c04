// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootChange;
import io.cainjekt.rootfs.RootChangeLog;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.Fingerprint;
import io.cainjekt.trust.WeightedLru;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline once per image and replays it on the next root of that image. A container
 * starts on the image's read-only layers plus an empty writable layer, so everything the pipeline
 * reads is fixed by the layers (the runtime's overlay {@code lowerdir}), the injected CAs, the
 * container variables of {@link InjectionRequest#ENV_INPUTS}, the volume mount paths and the
 * processor filter. For the same inputs, the changes a run made to a root (recorded in the {@link
 * RootChangeLog} the memo hands to the image's first run) are made again on the new root, through
 * the same checks ({@link RootFs#applyAll}), and its report is reused: no image file is read again.
 * Only runs without a failed processor are remembered; a replay that fails is forgotten and the
 * pipeline runs instead. One instance per daemon ({@link Caches}). Thread-safe.
 *
 * <p>Never for a root that already held a running container (CA rotation): its writable layer is
 * not empty, so callers pass no layers.
 */
public final class PlanMemo {

  private static final Logger log = LoggerFactory.getLogger(PlanMemo.class);

  /** Plans kept at most: one per image and environment in use on a node. */
  public static final int MAX_PLANS = 64;

  /** Bytes the kept plans may hold: a Debian image's plan is about 0.7 MB. */
  public static final long MAX_PLAN_BYTES = 12L << 20;

  private record Key(
      String imageLayers,
      Fingerprint cas,
      Map<String, String> env,
      Set<String> volumeMountPaths,
      ProcessorSelection filter) {}

  private record Plan(List<RootChange> changes, InjectionReport report) {
    long weight() {
      long bytes = 0;
      for (RootChange c : changes) {
        bytes += c.bytes();
      }
      for (ByteString file : report.files().values()) {
        bytes += file.size();
      }
      return bytes;
    }
  }

  /**
   * One injection's report, and whether it was a replay of the image's plan.
   *
   * @param report what was done (the remembered report when replayed)
   * @param replayed true when the remembered changes were made instead of running the pipeline
   */
  public record Run(InjectionReport report, boolean replayed) {}

  /**
   * What a caller does with a run's report besides the root, e.g. refilling the container's staged
   * files. It touches nothing the root changes touch, so for a replay it runs alongside them.
   */
  @FunctionalInterface
  public interface Publisher {
    void publish(InjectionReport report) throws IOException;
  }

  private final WeightedLru<Key, Plan> plans;

  /** A memo with the standard bounds. */
  public PlanMemo() {
    this(MAX_PLANS, MAX_PLAN_BYTES);
  }

  PlanMemo(int maxPlans, long maxBytes) {
    this.plans = new WeightedLru<>(maxPlans, maxBytes);
  }

  /** A memo that keeps nothing: every run is a full run (for measuring what the memo buys). */
  public static PlanMemo off() {
    return new PlanMemo(0, 0);
  }

  /** {@link #run(Pipeline, InjectionRequest, Optional, Publisher)} with nothing to publish. */
  Run run(Pipeline pipeline, InjectionRequest request, Optional<String> imageLayers)
      throws IOException {
    return run(pipeline, request, imageLayers, report -> {});
  }

  /**
   * Injects {@code request}: runs the pipeline, or makes the remembered changes of the same image
   * again in {@code request.root()} and hands back the remembered report. {@code publisher} gets
   * the report that is returned, last: after a full run, or, for a replay, on its own thread while
   * the changes are made (the remembered report is known before they start). A replay that fails
   * and falls back to a full run publishes twice, the full run's report second.
   *
   * @param imageLayers the root's read-only image layers with an empty writable layer above them;
   *     empty to run the pipeline without remembering
   *     <p>The run is the injection: when it returns, the request's root is {@linkplain
   *     RootFs#close closed} (its kept directory descriptors released).
   * @throws IOException if {@code publisher} failed (the root has been injected all the same)
   */
  public Run run(
      Pipeline pipeline,
      InjectionRequest request,
      Optional<String> imageLayers,
      Publisher publisher)
      throws IOException {
    try {
      return runIn(pipeline, request, imageLayers, publisher);
    } finally {
      request.root().close();
    }
  }

  private Run runIn(
      Pipeline pipeline,
      InjectionRequest request,
      Optional<String> imageLayers,
      Publisher publisher)
      throws IOException {
    if (imageLayers.isEmpty() || request.dryRun()) {
      return published(new Run(pipeline.run(request), false), publisher);
    }
    Key key =
        new Key(
            imageLayers.get(),
            request.cas().contentHash(),
            request.containerEnv(),
            request.volumeMountPaths(),
            request.filter());
    Optional<Plan> known = plans.get(key);
    if (known.isPresent()) {
      return replay(pipeline, request, key, known.get(), publisher);
    }
    RootChangeLog changes = RootChangeLog.of(request.root());
    InjectionReport report = pipeline.run(request, changes);
    if (!report.anyFailed()) {
      Plan plan = new Plan(changes.changes(), report);
      plans.put(key, plan, plan.weight());
    }
    return published(new Run(report, false), publisher);
  }

  private Run replay(
      Pipeline pipeline, InjectionRequest request, Key key, Plan plan, Publisher publisher)
      throws IOException {
    FutureTask<Void> published =
        new FutureTask<>(
            () -> {
              publisher.publish(plan.report());
              return null;
            });
    Thread.ofVirtual().name("inject-publish").start(published);
    try {
      request.root().applyAll(plan.changes());
    } catch (IOException | RuntimeException e) { // boundary: fall back to a full run
      plans.remove(key);
      log.atWarn()
          .setMessage("inject: replay of the image's plan failed, running the pipeline")
          .addKeyValue("root", request.root().hostRoot())
          .setCause(e)
          .log();
      awaitQuietly(published);
      return published(new Run(pipeline.run(request), false), publisher);
    }
    await(published);
    return new Run(plan.report(), true);
  }

  private static Run published(Run run, Publisher publisher) throws IOException {
    publisher.publish(run.report());
    return run;
  }

  private static void await(FutureTask<Void> published) throws IOException {
    try {
      published.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while publishing the report");
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException re -> throw re;
        case Error err -> throw err;
        default -> throw new IOException("publish the report", e.getCause());
      }
    }
  }

  /**
   * Waits for a publication whose report is about to be superseded; its failure no longer matters.
   */
  private static void awaitQuietly(FutureTask<Void> published) {
    try {
      await(published);
    } catch (IOException | RuntimeException e) {
      log.atDebug()
          .setMessage("inject: publishing the remembered report failed, publishing the full run's")
          .setCause(e)
          .log();
    }
  }

  /** Replays and runs so far: hits and misses, for tests and benchmarks. */
  long[] counts() {
    return plans.counts();
  }
}
