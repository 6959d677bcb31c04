// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a server handler knows about the call besides its payload.
 *
 * @param service full service name, e.g. {@code nri.pkg.api.v1alpha1.Plugin}
 * @param method method name, e.g. {@code Configure}
 * @param streamId the caller's stream id
 * @param timeout the caller's deadline, when it sent one
 * @param metadata request metadata, key to values in arrival order
 */
public record RequestContext(
    String service,
    String method,
    int streamId,
    Optional<Duration> timeout,
    Map<String, List<String>> metadata) {

  public RequestContext {
    metadata = Map.copyOf(metadata);
  }
}
