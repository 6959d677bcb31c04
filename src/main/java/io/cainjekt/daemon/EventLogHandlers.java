// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.nri.Adjustment;
import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.NriHandlers;
import io.cainjekt.nri.PodInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handlers that only log what the runtime tells us; the placeholder until injection is wired in.
 * Subscribes to CreateContainer, StartContainer and RemoveContainer (mask 1064). Thread-safe.
 */
final class EventLogHandlers {

  private static final Logger log = LoggerFactory.getLogger(EventLogHandlers.class);

  private EventLogHandlers() {}

  static NriHandlers create() {
    return NriHandlers.builder()
        .synchronize(
            s ->
                log.atDebug()
                    .setMessage("daemon: runtime state received")
                    .addKeyValue("pods", s.pods().size())
                    .addKeyValue("containers", s.containers().size())
                    .log())
        .createContainer(
            (pod, c) -> {
              logEvent("daemon: container created", pod, c);
              return Adjustment.none();
            })
        .startContainer((pod, c) -> logEvent("daemon: container starting", pod, c))
        .removeContainer((pod, c) -> logEvent("daemon: container removed", pod, c))
        .build();
  }

  private static void logEvent(String message, PodInfo pod, ContainerInfo c) {
    log.atInfo()
        .setMessage(message)
        .addKeyValue("namespace", pod.namespace())
        .addKeyValue("pod", pod.name())
        .addKeyValue("container", c.name())
        .addKeyValue("container_id", c.shortId())
        .addKeyValue("pid", c.pid())
        .log();
  }
}
