// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import io.cainjekt.trust.BundleMerger;
import io.cainjekt.trust.CaCertificate;
import io.cainjekt.trust.PemBundle;
import io.cainjekt.trust.TrustStoreBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The "safe defaults" staged at CreateContainer (docs/architecture.md, "What a container sees"):
 * every file an injected environment variable names exists before StartContainer fills it
 * precisely, so a failed or skipped StartContainer never leaves a variable pointing at nothing.
 *
 * <ul>
 *   <li>{@code ca-bundle.pem}: the node's default public roots, then the injected CAs not already
 *       among them (DER compared);
 *   <li>{@code custom-ca.pem}: the injected CAs only;
 *   <li>{@code truststore.p12}: PKCS12 of the same certificates as {@code ca-bundle.pem}.
 * </ul>
 *
 * <p>The node's roots are the plugin's own JDK {@code cacerts}, not the host's bundle: the plugin
 * image always has it (jlink keeps {@code lib/security/cacerts}), it is the same on every node
 * whatever the host distribution (Bottlerocket, Talos and Flatcar lay out or omit bundles
 * differently), and reading it needs no access to the host root. Immutable and thread-safe; build
 * one per bundle change and reuse it, staging stores the bytes once however many containers use
 * them.
 *
 * @param files file name to content, in {@link Staging} names
 * @param rootCount certificates taken from the node's roots
 * @param injectedCount injected certificates
 */
public record SafeDefaults(Map<String, ByteString> files, int rootCount, int injectedCount) {

  /** Copies the map. */
  public SafeDefaults {
    files = Map.copyOf(files);
  }

  /** Builds the files from the node's roots and the injected bundle. */
  public static SafeDefaults build(PemBundle nodeRoots, PemBundle injected) {
    Objects.requireNonNull(nodeRoots, "nodeRoots");
    BundleMerger.Merge merged = BundleMerger.merge(nodeRoots, injected);
    List<CaCertificate> all = new ArrayList<>(nodeRoots.certificates());
    all.addAll(injected.certificates()); // the truststore drops the duplicates
    Map<String, ByteString> files = new LinkedHashMap<>();
    files.put(Staging.CA_BUNDLE, merged.content());
    files.put(Staging.CUSTOM_CA, injected.toPem());
    files.put(Staging.TRUSTSTORE, TrustStoreBuilder.pkcs12(all));
    return new SafeDefaults(files, nodeRoots.size(), injected.size());
  }

  /**
   * The public roots of a JDK: {@code <javaHome>/lib/security/cacerts}. The daemon passes its own
   * {@code java.home}.
   */
  public static PemBundle jdkRoots(Path javaHome) throws IOException {
    Path cacerts = javaHome.resolve("lib").resolve("security").resolve("cacerts");
    return PemBundle.of(
        TrustStoreBuilder.readKeyStore(cacerts.toString(), Files.readAllBytes(cacerts)));
  }
}
