// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A configured CA bundle: a PEM file, or a directory whose {@code *.pem} and {@code *.crt} files
 * together form the bundle (e.g. a Kubernetes ConfigMap mount).
 *
 * @param name the bundle's name, chosen per pod with the bundle annotation
 * @param path the file or directory on the host
 */
public record NamedSource(String name, Path path) {

  /** Checks the components. */
  public NamedSource {
    Objects.requireNonNull(path, "path");
    if (name.isBlank()) {
      throw new IllegalArgumentException("bundle name must not be blank");
    }
  }
}
