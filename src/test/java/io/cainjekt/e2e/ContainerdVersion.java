// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The containerd release line the e2e harness runs (e2e/containerd.sh's {@code
 * CONTAINERD_VERSION}), chosen per JVM by the system property {@value #PROPERTY}.
 */
public enum ContainerdVersion {
  /** The installed containerd 1.7.24 (Debian trixie), config schema 2. */
  V1_7("1.7"),
  /** containerd 2.1.9 from Debian forky, unpacked by e2e/install.sh, config schema 3. */
  V2_1("2.1");

  /** System property that selects the version; default {@code 1.7}. */
  public static final String PROPERTY = "cainjekt.containerd";

  private final String id;

  ContainerdVersion(String id) {
    this.id = id;
  }

  /** The short name ({@code 1.7}, {@code 2.1}) used by the script, directories and reports. */
  public String id() {
    return id;
  }

  /** The version {@value #PROPERTY} selects; an unknown value is a clear error. */
  public static ContainerdVersion selected() {
    return fromId(System.getProperty(PROPERTY, V1_7.id));
  }

  /** The version named {@code id}. */
  public static ContainerdVersion fromId(String id) {
    return Arrays.stream(values())
        .filter(v -> v.id.equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "%s=%s: expected one of %s"
                        .formatted(
                            PROPERTY,
                            id,
                            Arrays.stream(values())
                                .map(ContainerdVersion::id)
                                .collect(Collectors.joining(", ")))));
  }
}
