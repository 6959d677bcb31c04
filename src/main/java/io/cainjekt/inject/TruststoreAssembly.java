// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import io.cainjekt.trust.PemBundle;
import io.cainjekt.trust.TrustBundleException;
import io.cainjekt.trust.TrustStoreBuilder;
import java.util.List;
import java.util.Optional;

/**
 * truststore.p12: the image JDK's cacerts when the Java processor read one, else the image's OS
 * bundle, plus the injected CAs, deduplicated by DER (docs/architecture.md, "What a container
 * sees").
 *
 * @param pkcs12 the keystore bytes
 * @param certificates how many certificates it holds
 * @param seed the container path of the seed, or "none"
 */
record TruststoreAssembly(byte[] pkcs12, int certificates, String seed) {

  /**
   * @param image the image's OS bundle, parsed, when it holds certificates
   * @param results gets a failed result when the seeded truststore cannot be built
   */
  static TruststoreAssembly build(
      InjectionContext context, Optional<PemBundle> image, List<ProcessorResult> results) {
    CertificateSet set = new CertificateSet();
    String seed = "none";
    if (context.javaSeed().isPresent()) {
      seed = context.javaSeed().get().containerPath();
      set.addAll(context.javaSeed().get().certificates());
    } else if (image.isPresent() && context.imageBundle().isPresent()) {
      seed = context.imageBundle().get().containerPath();
      image.get().certificates().forEach(c -> set.add(c.certificate()));
    }
    CertificateSet injected = new CertificateSet();
    context.cas().certificates().forEach(c -> injected.add(c.certificate()));
    set.addAll(injected.list());
    try {
      return new TruststoreAssembly(TrustStoreBuilder.pkcs12(set.list()), set.size(), seed);
    } catch (TrustBundleException e) {
      results.add(
          new ProcessorResult(
              Pipeline.TRUSTSTORE_STEP,
              new Outcome.Failed(
                  seed, "build truststore.p12 from " + seed + ": " + e.getMessage())));
      return injectedOnly(injected);
    }
  }

  private static TruststoreAssembly injectedOnly(CertificateSet injected) {
    try {
      return new TruststoreAssembly(
          TrustStoreBuilder.pkcs12(injected.list()), injected.size(), "none");
    } catch (TrustBundleException e) {
      throw new IllegalStateException("validated CAs must fit a PKCS12 truststore", e);
    }
  }
}
