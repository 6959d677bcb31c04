// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import io.cainjekt.wire.ttrpc.proto.Response;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client half of a connection: allocates odd stream ids from 1 in steps of 2 and matches
 * responses to pending calls by stream id. Thread-safe.
 */
final class TtrpcClient {

  private final AtomicInteger nextStreamId = new AtomicInteger(1);
  private final Map<Integer, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();

  /** Reserves the next stream id and registers a future for its response. */
  Call start() {
    int streamId = nextStreamId.getAndAdd(2);
    CompletableFuture<Response> future = new CompletableFuture<>();
    pending.put(streamId, future);
    return new Call(streamId, future);
  }

  /** Completes the call of {@code streamId}; false when no call waits for it. */
  boolean complete(int streamId, Response response) {
    CompletableFuture<Response> future = pending.remove(streamId);
    return future != null && future.complete(response);
  }

  /** Fails the call of {@code streamId}; false when no call waits for it. */
  boolean fail(int streamId, Throwable error) {
    CompletableFuture<Response> future = pending.remove(streamId);
    return future != null && future.completeExceptionally(error);
  }

  void forget(int streamId) {
    pending.remove(streamId);
  }

  /** Fails every pending call, e.g. because the connection closed. */
  void failAll(IOException cause) {
    pending.keySet().forEach(id -> fail(id, cause));
  }

  /** A call in flight. */
  record Call(int streamId, CompletableFuture<Response> response) {}
}
