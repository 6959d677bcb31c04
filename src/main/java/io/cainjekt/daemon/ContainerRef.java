// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.PodInfo;
import java.util.Objects;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Who a container is, and the log context of every line about it: the standard keys {@code
 * namespace}, {@code pod}, {@code container} and {@code container_id} (the short id), rendered here
 * once.
 *
 * @param id full container id
 * @param namespace pod namespace
 * @param pod pod name
 * @param container container name
 */
record ContainerRef(String id, String namespace, String pod, String container) {

  ContainerRef {
    Objects.requireNonNull(id, "id");
  }

  static ContainerRef of(PodInfo pod, ContainerInfo c) {
    return new ContainerRef(c.id(), pod.namespace(), pod.name(), c.name());
  }

  /** The first 12 characters of the id, as {@code crictl ps} shows it. */
  String shortId() {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** Adds the standard keys to a log line; returns it for more. */
  LoggingEventBuilder keys(LoggingEventBuilder line) {
    return line.addKeyValue("namespace", namespace)
        .addKeyValue("pod", pod)
        .addKeyValue("container", container)
        .addKeyValue("container_id", shortId());
  }
}
