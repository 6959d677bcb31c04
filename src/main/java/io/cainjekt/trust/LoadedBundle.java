// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.time.Instant;
import java.util.Objects;

/**
 * A named bundle as last loaded successfully.
 *
 * @param name the source's name
 * @param bundle its certificates
 * @param loadedAt when this content was first loaded
 */
public record LoadedBundle(String name, PemBundle bundle, Instant loadedAt) {

  /** Checks the components. */
  public LoadedBundle {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(loadedAt, "loadedAt");
  }
}
