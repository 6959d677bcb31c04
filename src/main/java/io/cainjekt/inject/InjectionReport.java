// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one pipeline run did, plus the files to stage at {@code /etc/cainjekt}.
 *
 * @param distro the os-release ID, when the image has a readable os-release with an ID
 * @param results one result per processor, in run order
 * @param drifted entries of the plugin's that the container changed or removed since an earlier run
 *     (container path: what was found and done), in order
 * @param files {@link #CA_BUNDLE}, {@link #CUSTOM_CA}, {@link #TRUSTSTORE}, {@link #STATUS}, {@link
 *     #OWNERSHIP}; the map iterates in that order, and is empty in a run read back from its
 *     status.json ({@link StatusDocument#read}).
 */
public record InjectionReport(
    Optional<String> distro,
    List<ProcessorResult> results,
    List<String> drifted,
    Map<String, ByteString> files) {

  /** The image's own OS bundle plus the injected CAs. */
  public static final String CA_BUNDLE = "ca-bundle.pem";

  /** The injected CAs only. */
  public static final String CUSTOM_CA = "custom-ca.pem";

  /** PKCS12 truststore: the image JDK's cacerts (or the OS bundle) plus the injected CAs. */
  public static final String TRUSTSTORE = "truststore.p12";

  /** What was done, as JSON (see {@code StatusDocument}). */
  public static final String STATUS = "status.json";

  /** What the run added to the root's trust stores, as {@link Ownership#toBytes}. */
  public static final String OWNERSHIP = "ownership";

  public InjectionReport {
    results = List.copyOf(results);
    drifted = List.copyOf(drifted);
    files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  /** True when any processor failed. */
  public boolean anyFailed() {
    return results.stream().anyMatch(ProcessorResult::failed);
  }
}
