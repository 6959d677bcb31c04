// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

/** What an injection error does to the container (docs/architecture.md, "Safety rules"). */
public enum FailPolicy {
  /** The container starts as it would have without us (plus the safe env); the default. */
  OPEN,
  /** The error goes back to the runtime and the container does not start. */
  CLOSED
}
