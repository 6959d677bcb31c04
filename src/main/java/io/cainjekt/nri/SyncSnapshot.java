// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.util.List;

/**
 * Every pod and container the runtime knows, gathered over all Synchronize rounds.
 *
 * @param pods pod sandboxes
 * @param containers containers
 */
public record SyncSnapshot(List<PodInfo> pods, List<ContainerInfo> containers) {
  public SyncSnapshot {
    pods = List.copyOf(pods);
    containers = List.copyOf(containers);
  }
}
