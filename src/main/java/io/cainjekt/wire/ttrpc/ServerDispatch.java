// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cainjekt.wire.ttrpc.proto.KeyValue;
import io.cainjekt.wire.ttrpc.proto.Request;
import io.cainjekt.wire.ttrpc.proto.Response;
import io.cainjekt.wire.ttrpc.proto.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server half of a connection: decodes requests, runs each on its own virtual thread under the
 * caller's {@code timeout_nano}, and answers exactly once per request with a status. Request stream
 * ids must be odd and increase (as in Go ttrpc); a reused or lower one is refused with
 * INVALID_ARGUMENT and never reaches a handler. A handler exception becomes a status reply; it
 * never reaches the reader thread. Thread-safe; {@link #dispatch} is confined to the reader thread.
 */
final class ServerDispatch {

  private static final Logger log = LoggerFactory.getLogger(ServerDispatch.class);

  /** Sends one encoded message. */
  @FunctionalInterface
  interface Sender {
    void send(byte[] message) throws IOException;
  }

  private final String name;
  private final TtrpcServer server;
  private final Sender sender;
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private final Executor replies;

  /** The highest request stream id taken so far, unsigned; confined to the reader thread. */
  private int lastStreamId;

  ServerDispatch(String name, TtrpcServer server, Sender sender) {
    this.name = name;
    this.server = server;
    this.sender = sender;
    this.replies = task -> Thread.ofVirtual().name("ttrpc-" + name + "-reply").start(task);
  }

  /** Handles one request message; called on the reader thread and never blocks. */
  void dispatch(int streamId, byte[] payload) {
    if ((streamId & 1) == 0) {
      reply(streamId, StatusCode.INVALID_ARGUMENT, "stream id " + streamId + " must be odd");
      return;
    }
    if (Integer.compareUnsigned(streamId, lastStreamId) <= 0) {
      // as Go ttrpc: a reused id would get two replies the client cannot tell apart
      reply(
          streamId,
          StatusCode.INVALID_ARGUMENT,
          "stream id "
              + Integer.toUnsignedString(streamId)
              + " must be above the last one, "
              + Integer.toUnsignedString(lastStreamId));
      return;
    }
    lastStreamId = streamId;
    Request request;
    try {
      request = Request.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      reply(streamId, StatusCode.INVALID_ARGUMENT, "request is not protobuf: " + e.getMessage());
      return;
    }
    Optional<TtrpcServer.Method> method = server.lookup(request.getService(), request.getMethod());
    if (method.isEmpty()) {
      reply(
          streamId,
          StatusCode.UNIMPLEMENTED,
          request.getService() + "/" + request.getMethod() + " is not implemented");
      return;
    }
    start(streamId, request, method.get());
  }

  /** Sends a status-only reply from a virtual thread. */
  void reply(int streamId, StatusCode code, String message) {
    replies.execute(() -> send(streamId, status(code, message)));
  }

  /** Interrupts every running handler (the connection closed). */
  void interruptAll() {
    running.forEach(Thread::interrupt);
  }

  private void start(int streamId, Request request, TtrpcServer.Method method) {
    CompletableFuture<Void> replied = new CompletableFuture<>();
    RequestContext context = context(streamId, request, replied.minimalCompletionStage());
    byte[] payload = request.getPayload().toByteArray();
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Thread worker =
        Thread.ofVirtual()
            .name("ttrpc-" + name + "-" + request.getMethod() + "-" + streamId)
            .unstarted(() -> invoke(method, context, payload, result));
    running.add(worker);
    context.timeout().ifPresent(t -> result.orTimeout(t.toNanos(), TimeUnit.NANOSECONDS));
    result.whenCompleteAsync(
        (body, error) -> {
          if (error != null && unwrap(error) instanceof TimeoutException) {
            worker.interrupt();
          }
          try {
            sendOrThrow(streamId, toResponse(context, body, error));
            replied.complete(null);
          } catch (IOException e) {
            notSent(streamId, e);
            replied.completeExceptionally(e);
          }
        },
        replies);
    worker.start();
  }

  private void invoke(
      TtrpcServer.Method method,
      RequestContext context,
      byte[] payload,
      CompletableFuture<byte[]> result) {
    try {
      result.complete(method.invoke(context, payload));
    } catch (Exception | Error e) { // boundary: a handler bug becomes a status reply
      result.completeExceptionally(e);
    } finally {
      running.remove(Thread.currentThread());
    }
  }

  private Response toResponse(RequestContext context, byte[] body, Throwable error) {
    if (error == null) {
      if (body.length > FrameHeader.MAX_MESSAGE_BYTES) {
        return status(
            StatusCode.RESOURCE_EXHAUSTED,
            new OversizedMessageException(body.length, FrameHeader.MAX_MESSAGE_BYTES).getMessage());
      }
      return Response.newBuilder().setPayload(ByteString.copyFrom(body)).build();
    }
    Throwable cause = unwrap(error);
    String call = context.service() + "/" + context.method();
    return switch (cause) {
      case TimeoutException ignored ->
          status(
              StatusCode.DEADLINE_EXCEEDED,
              call + " exceeded its deadline of " + context.timeout().orElse(Duration.ZERO));
      case TtrpcStatusException s -> {
        log.atDebug()
            .setMessage("ttrpc: handler returned a status")
            .addKeyValue("conn", name)
            .addKeyValue("method", call)
            .addKeyValue("code", s.code())
            .log();
        yield status(s.code(), s.description());
      }
      default -> {
        log.atWarn()
            .setMessage("ttrpc: handler failed")
            .addKeyValue("conn", name)
            .addKeyValue("method", call)
            .setCause(cause)
            .log();
        yield status(StatusCode.UNKNOWN, String.valueOf(cause.getMessage()));
      }
    };
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private static Response status(StatusCode code, String message) {
    return Response.newBuilder()
        .setStatus(Status.newBuilder().setCode(code.code()).setMessage(message))
        .build();
  }

  private void send(int streamId, Response response) {
    try {
      sendOrThrow(streamId, response);
    } catch (IOException e) {
      notSent(streamId, e);
    }
  }

  private void sendOrThrow(int streamId, Response response) throws IOException {
    sender.send(FrameCodec.encode(streamId, MessageType.RESPONSE, 0, response.toByteArray()));
  }

  private void notSent(int streamId, IOException e) {
    log.atDebug()
        .setMessage("ttrpc: reply not sent, connection closed")
        .addKeyValue("conn", name)
        .addKeyValue("stream", streamId)
        .addKeyValue("error", e.getMessage())
        .log();
  }

  private static RequestContext context(
      int streamId, Request request, CompletionStage<Void> replied) {
    Map<String, List<String>> metadata = new LinkedHashMap<>();
    for (KeyValue kv : request.getMetadataList()) {
      metadata.computeIfAbsent(kv.getKey(), k -> new ArrayList<>()).add(kv.getValue());
    }
    metadata.replaceAll((k, v) -> List.copyOf(v));
    Optional<Duration> timeout =
        request.getTimeoutNano() > 0
            ? Optional.of(Duration.ofNanos(request.getTimeoutNano()))
            : Optional.empty();
    return new RequestContext(
        request.getService(), request.getMethod(), streamId, timeout, metadata, replied);
  }
}
