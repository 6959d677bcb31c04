// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What a server handler knows about the call besides its payload.
 *
 * @param service full service name, e.g. {@code nri.pkg.api.v1alpha1.Plugin}
 * @param method method name, e.g. {@code Configure}
 * @param streamId the caller's stream id
 * @param timeout the caller's deadline, when it sent one
 * @param metadata request metadata, key to values in arrival order
 * @param replied completes once the reply to this call has been written to the transport, or
 *     exceptionally with the reason it could not be (the connection closed); work that the caller
 *     must see only after our answer chains on it
 */
public record RequestContext(
    String service,
    String method,
    int streamId,
    Optional<Duration> timeout,
    Map<String, List<String>> metadata,
    CompletionStage<Void> replied) {

  public RequestContext {
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(replied, "replied");
  }
}
