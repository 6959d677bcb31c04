// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.util.Locale;

/** Where an error happened: the {@code phase} label of {@code cainjekt_errors_total}. */
public enum ErrorPhase {
  /** Deciding and staging at NRI CreateContainer. */
  CREATE_CONTAINER,
  /** Writing trust stores into the container root at NRI StartContainer. */
  START_CONTAINER,
  /** Releasing staging at NRI RemoveContainer. */
  REMOVE_CONTAINER,
  /** Rebuilding the view from an NRI Synchronize. */
  SYNCHRONIZE,
  /** Loading or reloading a configured CA bundle. */
  BUNDLE_LOAD,
  /** Maintaining the host staging directory (orphan cleanup, quota). */
  STAGING;

  /** The label value: the constant in lower snake case, e.g. {@code start_container}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
