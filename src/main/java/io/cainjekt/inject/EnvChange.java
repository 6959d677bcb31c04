// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link EnvMerger} did with one desired variable, for status.json and the decision log. The
 * reason never contains the container's own values (they may hold secrets).
 *
 * @param name variable name
 * @param action added, appended to, or left as the container has it
 * @param value the value to set in the adjustment; present unless {@code action} is KEPT
 * @param reason one short phrase, e.g. "already set by the container"
 */
public record EnvChange(String name, Action action, Optional<String> value, String reason) {

  /** What happened to the variable. */
  public enum Action {
    /** The container did not set it: set to the desired value. */
    ADDED,
    /** JAVA_TOOL_OPTIONS the container sets: our options appended after a space. */
    APPENDED,
    /** The container's value is kept untouched. */
    KEPT
  }

  /** {@code value} is present exactly when the variable is set by the adjustment. */
  public EnvChange {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(reason, "reason");
    if (value.isPresent() == (action == Action.KEPT)) {
      throw new IllegalArgumentException("value must be present exactly when " + name + " is set");
    }
  }
}
