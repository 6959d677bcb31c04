// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.util.Objects;

/**
 * A request that the runtime stop a container unsolicited (NRI's {@code ContainerEviction}).
 *
 * @param containerId the container to stop
 * @param reason why, in words the runtime may log or show
 */
public record ContainerEviction(String containerId, String reason) {
  public ContainerEviction {
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(reason, "reason");
  }
}
