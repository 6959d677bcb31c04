// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import java.util.concurrent.CompletableFuture;

/** Asks the runtime to stop a container (an NRI eviction); the daemon wires it to the NRI stub. */
@FunctionalInterface
interface RuntimeEvictions {

  /**
   * Sends the request; the future completes when the runtime answered OK, which is no promise that
   * it stopped anything, and fails when it refused or could not be asked.
   */
  CompletableFuture<Void> evict(String containerId, String reason);
}
