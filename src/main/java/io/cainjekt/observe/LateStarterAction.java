// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.util.Locale;

/**
 * What became of a container that started while the plugin was not running: the {@code action}
 * label of {@code cainjekt_late_starters_total}.
 */
public enum LateStarterAction {
  /** Fail policy open: its OS trust store was injected in place (no mount, no variables). */
  INJECTED,
  /** Fail policy closed: the runtime stopped it on the plugin's NRI eviction. */
  EVICTED,
  /** Fail policy closed: the runtime left it running; SIGKILL to its init process stopped it. */
  KILLED,
  /** Neither injected nor stopped; logged, and an Event on its pod. */
  FAILED;

  /** The label value: the constant in lower case, e.g. {@code injected}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
