// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import io.cainjekt.inject.InjectionContext.ImageBundle;
import io.cainjekt.inject.os.OsStoreProcessor;
import io.cainjekt.inject.runtime.JavaRuntimeProcessor;
import io.cainjekt.inject.runtime.LanguageRuntimeProcessor;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootChangeLog;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.rootfs.RootfsRefusal;
import io.cainjekt.trust.BundleMerger;
import io.cainjekt.trust.CaCertificate;
import io.cainjekt.trust.ContentMemo;
import io.cainjekt.trust.PemBundle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the processors over one container root and assembles the files staged at {@code
 * /etc/cainjekt} (docs/architecture.md, "What a container sees" and "Distro table"). Never throws
 * for a bad image: each processor's exception becomes a {@link Outcome.Failed} naming the processor
 * and container path, and the remaining processors still run. Never writes the staged files itself;
 * the caller stores {@link InjectionReport#files()}. Thread-safe: each run has its own {@link
 * InjectionContext}.
 */
public final class Pipeline {

  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  private final List<Processor> processors;
  private final ContentMemo memo;

  /**
   * A pipeline of these processors, run by ascending priority (then id). Ids must be unique.
   *
   * @param memo the daemon's memo of trust file content, shared by every run
   */
  public Pipeline(List<Processor> processors, ContentMemo memo) {
    this.memo = Objects.requireNonNull(memo, "memo");
    var ids = new HashSet<String>();
    for (Processor p : processors) {
      if (!ids.add(p.id())) {
        throw new IllegalArgumentException("duplicate processor id " + p.id());
      }
    }
    this.processors =
        processors.stream()
            .sorted(Comparator.comparingInt(Processor::priority).thenComparing(Processor::id))
            .toList();
  }

  /** The OS store, Java and the other language runtimes. */
  public static Pipeline standard(ContentMemo memo) {
    return new Pipeline(
        Stream.concat(
                Stream.of(new OsStoreProcessor(), new JavaRuntimeProcessor()),
                LanguageRuntimeProcessor.all().stream())
            .toList(),
        memo);
  }

  /** The processors in run order. */
  public List<Processor> processors() {
    return processors;
  }

  /** Runs the processors over {@code request}'s root. */
  public InjectionReport run(InjectionRequest request) {
    RootFs root = request.root();
    return run(request, request.dryRun() ? RootChangeLog.dryRun(root) : RootChangeLog.of(root));
  }

  /** {@link #run(InjectionRequest)}, making every change to the root through {@code changes}. */
  InjectionReport run(InjectionRequest request, RootChangeLog changes) {
    InjectionContext context = new InjectionContext(request, memo, changes);
    List<ProcessorResult> results = new ArrayList<>();
    for (Processor p : processors) {
      Outcome outcome = runOne(p, context, request.filter());
      log.atDebug()
          .setMessage("inject: processor done")
          .addKeyValue("processor", p.id())
          .addKeyValue("outcome", outcome.getClass().getSimpleName())
          .addKeyValue("detail", outcome.detail())
          .log();
      results.add(new ProcessorResult(p.id(), outcome));
    }
    Optional<PemBundle> image =
        context.imageBundle().map(ImageBundle::parsed).filter(b -> b.size() > 0);
    Map<String, ByteString> files = new LinkedHashMap<>();
    BundleMerger.Merge caBundle = caBundle(context, image);
    files.put(InjectionReport.CA_BUNDLE, caBundle.content());
    files.put(InjectionReport.CUSTOM_CA, request.cas().toPem());
    TruststoreAssembly truststore = TruststoreAssembly.build(context, image);
    files.put(InjectionReport.TRUSTSTORE, truststore.pkcs12());
    var summary =
        new StatusDocument.FileSummary(
            image.map(PemBundle::size).orElse(0) + caBundle.added(),
            truststore.certificates(),
            truststore.seed());
    files.put(InjectionReport.STATUS, StatusDocument.json(context, results, summary));
    files.put(InjectionReport.OWNERSHIP, context.ownership().toBytes());
    Optional<String> distro =
        context
            .distro()
            .flatMap(InjectionContext.DistroMatch::osRelease)
            .map(OsRelease::id)
            .filter(id -> !id.isEmpty());
    return new InjectionReport(distro, results, context.drifted(), files);
  }

  private static Outcome runOne(Processor p, InjectionContext context, ProcessorSelection filter) {
    try {
      Detection detection = p.detect(context);
      if (!detection.found()) {
        return new Outcome.Skipped(detection.detail());
      }
      if (!filter.allows(p.id())) {
        return new Outcome.Skipped("excluded by processor filter (" + detection.detail() + ")");
      }
      return Objects.requireNonNull(p.apply(context), "outcome");
    } catch (Exception e) { // boundary: one processor's failure never stops the pipeline
      String path = e instanceof InjectionException ie ? ie.containerPath() : "";
      String message = Objects.toString(e.getMessage(), e.getClass().getSimpleName());
      log.atWarn()
          .setMessage("inject: processor failed")
          .addKeyValue("processor", p.id())
          .addKeyValue("path", path)
          .setCause(e)
          .log();
      return new Outcome.Failed(path, message, RootfsRefusal.of(e));
    }
  }

  /** The image's own OS bundle (deduplicated) plus the injected CAs; CAs only without one. */
  private static BundleMerger.Merge caBundle(InjectionContext context, Optional<PemBundle> image) {
    if (image.isPresent()) {
      return context.memo().merge(image.get(), context.cas());
    }
    context.note(
        context
                .imageBundle()
                .map(b -> "image bundle " + b.containerPath() + " holds no certificate: ")
                .orElse("image has no OS bundle: ")
            + InjectionReport.CA_BUNDLE
            + " holds the injected CAs only");
    return new BundleMerger.Merge(
        context.cas().toPem(),
        context.cas().certificates().stream().map(CaCertificate::fingerprint).toList());
  }
}
