// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.observe.ErrorPhase;
import io.cainjekt.observe.Metrics;
import io.cainjekt.observe.RejectedInput;
import io.cainjekt.trust.OversizedBundleException;
import io.cainjekt.trust.TrustBundleException;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs a refused CA bundle: a broken one as {@code bad_bundle}, one over its limits as
 * {@code oversized_bundle}. At start-up the refusal is only counted ({@link #atStart}), since the
 * error stops the start and is reported there; an update refused while running ({@link #accept}, an
 * error listener of the bundles) is also an error of phase {@code bundle_load} and one ERROR line.
 * Thread-safe.
 */
final class BundleRefusals implements BiConsumer<String, TrustBundleException> {

  private static final Logger log = LoggerFactory.getLogger(BundleRefusals.class);

  private final Metrics metrics;

  BundleRefusals(Metrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** The {@code kind} a refusal is counted as. */
  static RejectedInput kind(TrustBundleException e) {
    return e instanceof OversizedBundleException
        ? RejectedInput.OVERSIZED_BUNDLE
        : RejectedInput.BAD_BUNDLE;
  }

  /** A bundle refused while loading at start-up. */
  void atStart(TrustBundleException e) {
    metrics.rejected(kind(e));
  }

  /** An update of bundle {@code name} refused; the last good bundle stays in use. */
  @Override
  public void accept(String name, TrustBundleException e) {
    RejectedInput kind = kind(e);
    metrics.error(ErrorPhase.BUNDLE_LOAD);
    metrics.rejected(kind);
    log.atError()
        .setMessage("trust: bundle update rejected, keeping the last good one")
        .addKeyValue("bundle", name)
        .addKeyValue("kind", kind.label())
        .addKeyValue("error", e.getMessage())
        .log();
  }
}
