// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A JDK or JRE found in an image.
 *
 * @param home container path of the Java home
 * @param version JAVA_VERSION of its {@code release} file, "" when unknown
 * @param cacerts container path of its cacerts ({@code lib/security} or {@code jre/lib/security})
 */
public record Jdk(String home, String version, Optional<String> cacerts) {
  public Jdk {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(cacerts, "cacerts");
  }
}
