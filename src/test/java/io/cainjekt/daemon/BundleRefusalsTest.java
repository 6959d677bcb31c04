// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.observe.Metrics;
import io.cainjekt.trust.BundleLimits;
import io.cainjekt.trust.LoadedBundle;
import io.cainjekt.trust.NamedSource;
import io.cainjekt.trust.OversizedBundleException;
import io.cainjekt.trust.TrustBundleException;
import io.cainjekt.trust.TrustBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleRefusalsTest {

  private static final BundleLimits TWO_CERTIFICATES =
      new BundleLimits(2, BundleLimits.DEFAULT_MAX_BYTES);

  @TempDir Path dir;
  private final Metrics metrics = new Metrics();
  private final BundleRefusals refusals = new BundleRefusals(metrics);

  private TrustBundles open(Path file) throws TrustBundleException {
    TrustBundles bundles =
        TrustBundles.open(List.of(new NamedSource("corp", file)), TWO_CERTIFICATES, Duration.ZERO);
    bundles.addErrorListener(refusals);
    return bundles;
  }

  private double rejected(String kind) {
    return MetricSamples.counter(metrics, "cainjekt_rejected_inputs", "kind", kind);
  }

  private double bundleLoadErrors() {
    return MetricSamples.counter(metrics, "cainjekt_errors", "phase", "bundle_load");
  }

  @Test
  void anEmptiedBundleIsCountedAsBadAndTheLastGoodOneStays() throws Exception {
    Path file = Files.write(dir.resolve("ca.pem"), Pki.bytes("corp-ca.crt"));
    try (TrustBundles bundles = open(file)) {
      LoadedBundle good = bundles.defaultBundle();

      Files.write(file, new byte[0]);
      assertThat(bundles.reload()).isZero();
      Files.writeString(file, "# emptied by mistake\n\n   \n", StandardCharsets.US_ASCII);
      assertThat(bundles.reload()).isZero();

      assertThat(bundles.defaultBundle()).isSameAs(good);
      assertThat(bundles.lastError("corp").orElseThrow())
          .hasMessageContaining(file.toString())
          .hasMessageContaining("no PEM certificate found");
      assertThat(rejected("bad_bundle")).isEqualTo(1.0); // the same error is reported once
      assertThat(rejected("oversized_bundle")).isZero();
      assertThat(bundleLoadErrors()).isEqualTo(1.0);
    }
  }

  @Test
  void anUpdateOverTheLimitIsCountedAsOversizedAndTheLastGoodOneStays() throws Exception {
    Path file = Files.write(dir.resolve("ca.pem"), Pki.bytes("corp-ca.crt"));
    try (TrustBundles bundles = open(file)) {
      LoadedBundle good = bundles.defaultBundle();

      Files.write(file, threeCertificates());
      assertThat(bundles.reload()).isZero();

      assertThat(bundles.defaultBundle()).isSameAs(good);
      assertThat(bundles.lastError("corp").orElseThrow())
          .isInstanceOf(OversizedBundleException.class);
      assertThat(rejected("oversized_bundle")).isEqualTo(1.0);
      assertThat(rejected("bad_bundle")).isZero();
      assertThat(bundleLoadErrors()).isEqualTo(1.0);
    }
  }

  @Test
  void aStartOverTheLimitIsCountedAsOversizedOnly() throws Exception {
    Path file = Files.write(dir.resolve("ca.pem"), threeCertificates());

    assertThatThrownBy(() -> open(file))
        .isInstanceOfSatisfying(OversizedBundleException.class, refusals::atStart);

    assertThat(rejected("oversized_bundle")).isEqualTo(1.0);
    assertThat(bundleLoadErrors()).isZero();
  }

  private static byte[] threeCertificates() {
    return (new String(Pki.bytes("corp-ca.crt"), StandardCharsets.US_ASCII)
            + new String(Pki.bytes("corp-ca-rekeyed.crt"), StandardCharsets.US_ASCII)
            + new String(Pki.bytes("fake-public-root.crt"), StandardCharsets.US_ASCII))
        .getBytes(StandardCharsets.US_ASCII);
  }
}
