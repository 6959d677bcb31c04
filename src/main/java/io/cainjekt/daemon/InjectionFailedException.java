// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

/**
 * Returned to the runtime under {@link FailPolicy#CLOSED}: the container must not start. The
 * message names the container and what failed.
 */
final class InjectionFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  InjectionFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
