// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.util.Objects;

/**
 * One environment variable the injection wants a container to have (docs/architecture.md, "What a
 * container sees").
 *
 * @param name variable name; non-empty, no {@code '='}, no NUL
 * @param value value; no NUL
 */
public record EnvVar(String name, String value) {

  /** Validates the name and value. */
  public EnvVar {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("bad environment variable name '" + name + "'");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("value of " + name + " contains NUL");
    }
  }
}
