// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cainjekt.wire.ttrpc.proto.KeyValue;
import io.cainjekt.wire.ttrpc.proto.Request;
import io.cainjekt.wire.ttrpc.proto.Response;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ttrpc connection that is client and server at once. The transport's reader thread pushes
 * bytes into {@link #receive}; requests are dispatched on virtual threads (see {@link
 * ServerDispatch}), responses complete pending {@link #call}s by stream id, and every message
 * leaves through the one {@link MessageWriter}, which the transport serialises.
 *
 * <p>Thread-safe; {@link #receive} is confined to the transport's reader thread.
 */
public final class TtrpcConnection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TtrpcConnection.class);

  private final String name;
  private final MessageWriter writer;
  private final FrameCodec codec = new FrameCodec();
  private final TtrpcClient client = new TtrpcClient();
  private final ReentrantLock callOrder = new ReentrantLock();
  private final ServerDispatch server;
  private final AtomicReference<IOException> closed = new AtomicReference<>();

  /**
   * @param name names threads and log lines, e.g. {@code conn1}
   * @param writer where encoded messages go
   * @param server the methods this side serves ({@link TtrpcServer#empty()} for none)
   */
  public TtrpcConnection(String name, MessageWriter writer, TtrpcServer server) {
    this.name = Objects.requireNonNull(name, "name");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.server = new ServerDispatch(name, Objects.requireNonNull(server, "server"), this::send);
  }

  /**
   * Feeds bytes the transport read for this connection.
   *
   * @throws TtrpcProtocolException when the peer broke the protocol; the caller closes the
   *     transport
   */
  public void receive(ByteBuffer chunk) throws IOException {
    codec.feed(chunk, this::onMessage);
  }

  /** Whether the connection sits between messages, i.e. EOF now would not truncate anything. */
  public boolean idle() {
    return codec.idle();
  }

  /**
   * Calls {@code service/method} and waits for the response payload.
   *
   * @param timeout sent as {@code timeout_nano} and waited for
   * @param metadata request metadata (may be empty)
   * @throws TtrpcStatusException the remote status when not OK, or DEADLINE_EXCEEDED, or
   *     RESOURCE_EXHAUSTED for a request over the size limit
   * @throws ConnectionClosedException when the connection is or becomes closed
   */
  public byte[] call(
      String service, String method, byte[] payload, Duration timeout, Map<String, String> metadata)
      throws IOException, TtrpcStatusException {
    Request.Builder request =
        Request.newBuilder()
            .setService(service)
            .setMethod(method)
            .setPayload(ByteString.copyFrom(payload))
            .setTimeoutNano(timeout.toNanos());
    metadata.forEach((k, v) -> request.addMetadata(KeyValue.newBuilder().setKey(k).setValue(v)));
    byte[] body = request.build().toByteArray();
    if (body.length > FrameHeader.MAX_MESSAGE_BYTES) {
      throw new TtrpcStatusException(
          StatusCode.RESOURCE_EXHAUSTED,
          new OversizedMessageException(body.length, FrameHeader.MAX_MESSAGE_BYTES).getMessage());
    }
    failIfClosed();
    TtrpcClient.Call call;
    // a stream id is taken and its request written under one lock: ttrpc servers refuse a stream
    // id below one they have seen, so concurrent calls must leave in the order of their ids
    callOrder.lock();
    try {
      call = client.start();
      try {
        send(FrameCodec.encode(call.streamId(), MessageType.REQUEST, 0, body));
      } catch (IOException | RuntimeException e) {
        client.forget(call.streamId());
        throw e;
      }
    } finally {
      callOrder.unlock();
    }
    try {
      return unwrap(call.response().get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      throw new TtrpcStatusException(
          StatusCode.DEADLINE_EXCEEDED, service + "/" + method + " took longer than " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for " + service + "/" + method);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new ConnectionClosedException(name + ": " + io.getMessage(), io);
      }
      throw new IllegalStateException("unexpected failure of " + method, e.getCause());
    } finally {
      client.forget(call.streamId());
    }
  }

  /** Closes with a cause: pending calls fail with it, running handlers are interrupted. */
  public void close(IOException cause) {
    if (closed.compareAndSet(null, cause)) {
      client.failAll(cause);
      server.interruptAll();
    }
  }

  @Override
  public void close() {
    close(new ConnectionClosedException(name + " closed"));
  }

  private void failIfClosed() throws ConnectionClosedException {
    IOException cause = closed.get();
    if (cause != null) {
      throw new ConnectionClosedException(name + ": " + cause.getMessage(), cause);
    }
  }

  private static byte[] unwrap(Response response) throws TtrpcStatusException {
    if (response.hasStatus() && response.getStatus().getCode() != 0) {
      throw new TtrpcStatusException(
          StatusCode.of(response.getStatus().getCode()), response.getStatus().getMessage());
    }
    return response.getPayload().toByteArray();
  }

  private void send(byte[] message) throws IOException {
    failIfClosed();
    writer.write(message);
  }

  private void onMessage(FrameCodec.Decoded decoded) throws IOException {
    FrameHeader header = decoded.header();
    if (log.isTraceEnabled()) {
      log.trace("<< {} {}", name, header);
    }
    switch (decoded) {
      case FrameCodec.Decoded.Oversized o -> onOversized(o.header());
      case FrameCodec.Decoded.Message m when header.type() == MessageType.REQUEST ->
          server.dispatch(header.streamId(), m.payload());
      case FrameCodec.Decoded.Message m when header.type() == MessageType.RESPONSE ->
          onResponse(header.streamId(), m.payload());
      case FrameCodec.Decoded.Message ignored ->
          log.atDebug()
              .setMessage("ttrpc: data message ignored, only unary calls are served")
              .addKeyValue("conn", name)
              .addKeyValue("stream", header.streamId())
              .log();
    }
  }

  private void onOversized(FrameHeader header) {
    String reason =
        new OversizedMessageException(header.dataLength(), FrameHeader.MAX_MESSAGE_BYTES)
            .getMessage();
    log.atWarn()
        .setMessage("ttrpc: oversized message skipped")
        .addKeyValue("conn", name)
        .addKeyValue("stream", header.streamId())
        .addKeyValue("type", header.type())
        .addKeyValue("length", header.dataLength())
        .log();
    if (header.type() == MessageType.REQUEST) {
      server.reply(header.streamId(), StatusCode.RESOURCE_EXHAUSTED, reason);
    } else if (header.type() == MessageType.RESPONSE) {
      client.complete(
          header.streamId(),
          Response.newBuilder()
              .setStatus(
                  io.cainjekt.wire.ttrpc.proto.Status.newBuilder()
                      .setCode(StatusCode.RESOURCE_EXHAUSTED.code())
                      .setMessage(reason))
              .build());
    }
  }

  private void onResponse(int streamId, byte[] payload) throws TtrpcProtocolException {
    Response response;
    try {
      response = Response.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new TtrpcProtocolException("response on stream " + streamId + " is not protobuf", e);
    }
    if (!client.complete(streamId, response)) {
      log.atDebug()
          .setMessage("ttrpc: response for unknown stream ignored")
          .addKeyValue("conn", name)
          .addKeyValue("stream", streamId)
          .log();
    }
  }
}
