// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.io.IOException;

/**
 * A processor could not complete an operation on a container path. The pipeline turns it into a
 * {@link Outcome.Failed} carrying the container path and the processor id.
 */
public class InjectionException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String containerPath;

  /**
   * @param containerPath the container path being worked on
   * @param action what was tried, e.g. "merge trust store"
   * @param cause why it failed
   */
  public InjectionException(String containerPath, String action, Throwable cause) {
    super(
        action
            + " "
            + containerPath
            + ": "
            + java.util.Objects.toString(cause.getMessage(), cause.getClass().getSimpleName()),
        cause);
    this.containerPath = containerPath;
  }

  /** The container path being worked on. */
  public String containerPath() {
    return containerPath;
  }
}
