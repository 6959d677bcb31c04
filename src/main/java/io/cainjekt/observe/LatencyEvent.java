// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.util.Locale;

/** NRI events whose handling time is measured: the {@code event} label of the latency histogram. */
public enum LatencyEvent {
  /** CreateContainer: decide, stage, build the adjustment. */
  CREATE_CONTAINER,
  /** StartContainer: write the trust stores while the runtime waits. */
  START_CONTAINER;

  /** The label value: the constant in lower snake case, e.g. {@code start_container}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
