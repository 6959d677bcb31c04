// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.util.Objects;

/**
 * What a processor found when it looked at a root, before changing anything.
 *
 * @param found true when the processor has work to do in this root
 * @param detail what was found (e.g. "debian family, ID=ubuntu") or why nothing was
 */
public record Detection(boolean found, String detail) {
  public Detection {
    Objects.requireNonNull(detail, "detail");
  }

  /** The processor applies to this root. */
  public static Detection found(String detail) {
    return new Detection(true, detail);
  }

  /** The processor does not apply to this root. */
  public static Detection absent(String reason) {
    return new Detection(false, reason);
  }
}
