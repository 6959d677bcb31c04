// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.Staging;
import io.cainjekt.trust.CaCertificate;
import io.cainjekt.trust.Fingerprint;
import io.cainjekt.trust.LoadedBundle;
import io.cainjekt.trust.PemBundle;
import io.cainjekt.trust.TrustBundleException;
import io.cainjekt.trust.TrustStoreBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files staged at CreateContainer, before the image has been looked at (DESIGN section 4):
 * every file an environment variable names must exist from then on. {@code ca-bundle.pem} and
 * {@code truststore.p12} hold the node's default public roots (the plugin JVM's own {@code
 * cacerts}) plus the injected CAs; StartContainer replaces them with the image-precise versions.
 * Built once per bundle version and cached. Thread-safe.
 */
final class StagedDefaults {

  private final List<CaCertificate> nodeRoots;
  private final Map<Fingerprint, Map<String, byte[]>> cache = new ConcurrentHashMap<>();

  /**
   * @param nodeRoots the node's default public roots
   */
  StagedDefaults(List<CaCertificate> nodeRoots) {
    this.nodeRoots = List.copyOf(nodeRoots);
  }

  /** The roots of the plugin JVM's default truststore ({@code java.home/lib/security/cacerts}). */
  static StagedDefaults fromJvmCacerts(byte[] cacerts) throws TrustBundleException {
    List<CaCertificate> roots = new ArrayList<>();
    for (X509Certificate c : TrustStoreBuilder.readKeyStore("jvm cacerts", cacerts)) {
      try {
        roots.add(CaCertificate.of(c));
      } catch (CertificateException e) {
        throw new TrustBundleException("jvm cacerts: unreadable certificate", e);
      }
    }
    return new StagedDefaults(roots);
  }

  /** The staged files for this bundle version. */
  Map<String, byte[]> files(LoadedBundle bundle) {
    return cache.computeIfAbsent(bundle.bundle().contentHash(), h -> build(bundle));
  }

  private Map<String, byte[]> build(LoadedBundle loaded) {
    PemBundle cas = loaded.bundle();
    List<CaCertificate> all = new ArrayList<>(nodeRoots);
    all.addAll(cas.certificates());
    PemBundle merged = PemBundle.of(all);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(Staging.CA_BUNDLE, merged.toPem());
    files.put(Staging.CUSTOM_CA, cas.toPem());
    try {
      files.put(
          Staging.TRUSTSTORE,
          TrustStoreBuilder.pkcs12(
              merged.certificates().stream().map(CaCertificate::certificate).toList()));
    } catch (TrustBundleException e) {
      throw new IllegalStateException("build default truststore for bundle " + loaded.name(), e);
    }
    files.put(Staging.STATUS, status(loaded, merged.size()));
    return Map.copyOf(files);
  }

  private static byte[] status(LoadedBundle loaded, int certificates) {
    var out = new ByteArrayOutputStream();
    String json =
        "{\"state\":\"staged\",\"bundle\":\""
            + loaded.name().replace("\\", "\\\\").replace("\"", "\\\"")
            + "\",\"caSha256\":\""
            + loaded.bundle().contentHash().hex()
            + "\",\"note\":\"node default roots plus injected CAs; the image has not been"
            + " inspected yet\",\"certificates\":"
            + certificates
            + "}\n";
    out.writeBytes(json.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
