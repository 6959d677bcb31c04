// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.util.List;
import java.util.Objects;

/**
 * An OCI mount.
 *
 * @param destination path inside the container
 * @param type e.g. {@code bind}
 * @param source host path
 * @param options e.g. {@code rbind}, {@code ro}
 */
public record Mount(String destination, String type, String source, List<String> options) {
  public Mount {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    options = List.copyOf(options);
  }
}
