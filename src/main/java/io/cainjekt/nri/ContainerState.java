// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

/** Container lifecycle state as the runtime reports it. */
public enum ContainerState {
  UNKNOWN,
  CREATED,
  PAUSED,
  RUNNING,
  STOPPED
}
