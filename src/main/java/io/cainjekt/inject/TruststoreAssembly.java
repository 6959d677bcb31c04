// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import io.cainjekt.trust.PemBundle;
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
record TruststoreAssembly(ByteString pkcs12, int certificates, String seed) {

  /**
   * @param image the image's OS bundle, parsed, when it holds certificates
   */
  static TruststoreAssembly build(InjectionContext context, Optional<PemBundle> image) {
    CertificateSet set = new CertificateSet();
    String seed = "none";
    if (context.javaSeed().isPresent()) {
      seed = context.javaSeed().get().containerPath();
      set.addAll(context.javaSeed().get().certificates());
    } else if (image.isPresent() && context.imageBundle().isPresent()) {
      seed = context.imageBundle().get().containerPath();
      set.addAll(image.get().certificates());
    }
    set.addAll(context.cas().certificates());
    return new TruststoreAssembly(context.memo().pkcs12(set.list()), set.size(), seed);
  }
}
