// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cainjekt.wire.ttrpc.proto.KeyValue;
import io.cainjekt.wire.ttrpc.proto.Request;
import io.cainjekt.wire.ttrpc.proto.Response;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TtrpcConnectionTest {

  private static final String SVC = "test.Service";
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
  private final CountDownLatch never = new CountDownLatch(1);
  private final CountDownLatch interrupted = new CountDownLatch(1);
  private final CountDownLatch firstMayFinish = new CountDownLatch(1);

  private final TtrpcServer server =
      TtrpcServer.builder()
          .method(SVC, "Echo", (ctx, p) -> p)
          .method(
              SVC,
              "Ordered",
              (ctx, p) -> {
                if (new String(p, StandardCharsets.UTF_8).equals("first")) {
                  firstMayFinish.await();
                } else {
                  firstMayFinish.countDown();
                }
                return p;
              })
          .method(
              SVC,
              "Metadata",
              (ctx, p) -> (ctx.metadata() + " " + ctx.timeout().isPresent()).getBytes())
          .method(
              SVC,
              "Hang",
              (ctx, p) -> {
                try {
                  never.await();
                } catch (InterruptedException e) {
                  interrupted.countDown();
                  throw e;
                }
                return p;
              })
          .method(
              SVC,
              "Deny",
              (ctx, p) -> {
                throw new TtrpcStatusException(StatusCode.PERMISSION_DENIED, "no way");
              })
          .method(
              SVC,
              "Bug",
              (ctx, p) -> {
                throw new IllegalStateException("handler bug");
              })
          .build();

  /** Server side whose replies land in {@link #replies}. */
  private final TtrpcConnection raw = new TtrpcConnection("srv", replies::add, server);

  /** A client wired back to back with a server; both directions are serialised per receiver. */
  private TtrpcConnection pair() {
    CompletableFuture<TtrpcConnection> clientRef = new CompletableFuture<>();
    TtrpcConnection srv =
        new TtrpcConnection(
            "srv",
            m -> {
              TtrpcConnection c = clientRef.join();
              synchronized (c) {
                c.receive(ByteBuffer.wrap(m));
              }
            },
            server);
    TtrpcConnection client =
        new TtrpcConnection(
            "cli",
            m -> {
              synchronized (srv) {
                srv.receive(ByteBuffer.wrap(m));
              }
            },
            TtrpcServer.empty());
    clientRef.complete(client);
    return client;
  }

  private Response rawCall(int streamId, Request request) throws Exception {
    raw.receive(
        ByteBuffer.wrap(
            FrameCodec.encode(streamId, MessageType.REQUEST, 0, request.toByteArray())));
    byte[] reply = replies.poll(5, TimeUnit.SECONDS);
    assertThat(reply).as("a reply arrived").isNotNull();
    List<FrameCodec.Decoded> decoded = new ArrayList<>();
    new FrameCodec().feed(ByteBuffer.wrap(reply), decoded::add);
    assertThat(decoded.getFirst().header().streamId()).isEqualTo(streamId);
    assertThat(decoded.getFirst().header().type()).isEqualTo(MessageType.RESPONSE);
    return Response.parseFrom(((FrameCodec.Decoded.Message) decoded.getFirst()).payload());
  }

  private static Request request(String method) {
    return Request.newBuilder().setService(SVC).setMethod(method).build();
  }

  /**
   * A server whose one method "Later" chains work on its reply, recorded in {@code order} like the
   * writes of {@code writer}; {@code chained} counts down once that work ran.
   */
  private static TtrpcConnection laterServer(
      List<String> order, CountDownLatch chained, MessageWriter writer) {
    return new TtrpcConnection(
        "srv",
        writer,
        TtrpcServer.builder()
            .method(
                SVC,
                "Later",
                (ctx, p) -> {
                  ctx.replied()
                      .whenComplete(
                          (ok, error) -> {
                            order.add(error == null ? "after reply" : "not replied");
                            chained.countDown();
                          });
                  order.add("handler returns");
                  return p;
                })
            .build());
  }

  @Test
  void workChainedOnRepliedRunsOnlyOnceTheReplyIsWritten() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    CountDownLatch chained = new CountDownLatch(1);
    TtrpcConnection srv = laterServer(order, chained, m -> order.add("reply written"));

    srv.receive(
        ByteBuffer.wrap(
            FrameCodec.encode(1, MessageType.REQUEST, 0, request("Later").toByteArray())));

    assertThat(chained.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly("handler returns", "reply written", "after reply");
  }

  @Test
  void repliedFailsWhenTheReplyCannotBeWritten() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    CountDownLatch chained = new CountDownLatch(1);
    TtrpcConnection srv =
        laterServer(
            order,
            chained,
            m -> {
              throw new ConnectionClosedException("gone");
            });

    srv.receive(
        ByteBuffer.wrap(
            FrameCodec.encode(1, MessageType.REQUEST, 0, request("Later").toByteArray())));

    assertThat(chained.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly("handler returns", "not replied");
  }

  @Test
  void concurrentCallsAreMatchedToTheirResponsesByStreamId() throws Exception {
    TtrpcConnection client = pair();
    CompletableFuture<byte[]> first =
        CompletableFuture.supplyAsync(
            () -> callQuietly(client, "Ordered", "first"), r -> Thread.ofVirtual().start(r));
    byte[] second = client.call(SVC, "Ordered", "second".getBytes(), WAIT, Map.of());

    assertThat(new String(second)).isEqualTo("second");
    assertThat(new String(first.get(5, TimeUnit.SECONDS))).isEqualTo("first");
  }

  private static byte[] callQuietly(TtrpcConnection c, String method, String payload) {
    try {
      return c.call(SVC, method, payload.getBytes(), WAIT, Map.of());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void metadataAndDeadlineReachTheHandler() throws Exception {
    byte[] reply =
        pair()
            .call(
                SVC, "Metadata", new byte[0], WAIT, Map.of("containerd-namespace-ttrpc", "k8s.io"));

    assertThat(new String(reply)).isEqualTo("{containerd-namespace-ttrpc=[k8s.io]} true");
  }

  @Test
  void theServerAnswersDeadlineExceededWhenTimeoutNanoPassesAndInterruptsTheHandler()
      throws Exception {
    Response r =
        rawCall(
            1, request("Hang").toBuilder().setTimeoutNano(Duration.ofMillis(50).toNanos()).build());

    assertThat(StatusCode.of(r.getStatus().getCode())).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aClientCallTimesOutWithDeadlineExceeded() {
    assertThatThrownBy(() -> pair().call(SVC, "Hang", new byte[0], Duration.ofMillis(50), Map.of()))
        .isInstanceOfSatisfying(
            TtrpcStatusException.class,
            e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
  }

  @Test
  void anUnknownServiceOrMethodIsAnsweredUnimplemented() throws Exception {
    Response unknownMethod = rawCall(1, request("Nope"));
    Response unknownService =
        rawCall(3, Request.newBuilder().setService("x").setMethod("Echo").build());

    assertThat(StatusCode.of(unknownMethod.getStatus().getCode()))
        .isEqualTo(StatusCode.UNIMPLEMENTED);
    assertThat(unknownMethod.getStatus().getMessage()).contains("test.Service/Nope");
    assertThat(StatusCode.of(unknownService.getStatus().getCode()))
        .isEqualTo(StatusCode.UNIMPLEMENTED);
  }

  @Test
  void evenStreamIdGetsInvalidArgument() throws Exception {
    Response r = rawCall(4, request("Echo"));

    assertThat(StatusCode.of(r.getStatus().getCode())).isEqualTo(StatusCode.INVALID_ARGUMENT);
    assertThat(r.getStatus().getMessage()).isEqualTo("stream id 4 must be odd");
  }

  @Test
  void aReusedOrLowerStreamIdIsRefusedAndNeverReachesAHandler() throws Exception {
    // regression: a reused id ran the handler again, so one stream got two replies the client
    // could not tell apart (Go ttrpc refuses it: "StreamID cannot be re-used and must increment")
    Request echo = request("Echo").toBuilder().setPayload(ByteString.copyFromUtf8("a")).build();
    Response first = rawCall(5, echo);
    Response reused = rawCall(5, echo);
    Response lower = rawCall(3, echo);
    Response next = rawCall(7, echo);

    assertThat(first.getPayload().toStringUtf8()).isEqualTo("a");
    assertThat(StatusCode.of(reused.getStatus().getCode())).isEqualTo(StatusCode.INVALID_ARGUMENT);
    assertThat(reused.getStatus().getMessage())
        .isEqualTo("stream id 5 must be above the last one, 5");
    assertThat(StatusCode.of(lower.getStatus().getCode())).isEqualTo(StatusCode.INVALID_ARGUMENT);
    assertThat(next.getPayload().toStringUtf8()).isEqualTo("a");
    assertThat(replies).as("one reply per request, nothing more").isEmpty();
  }

  @Test
  void anOversizedRequestGetsResourceExhaustedAndTheConnectionStaysUp() throws Exception {
    int length = FrameHeader.MAX_MESSAGE_BYTES + 100;
    raw.receive(ByteBuffer.wrap(new FrameHeader(length, 7, MessageType.REQUEST, 0).encode()));
    raw.receive(ByteBuffer.allocate(length));
    byte[] reply = replies.poll(5, TimeUnit.SECONDS);
    Response r = Response.parseFrom(java.util.Arrays.copyOfRange(reply, 10, reply.length));

    assertThat(StatusCode.of(r.getStatus().getCode())).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
    assertThat(r.getStatus().getMessage()).contains(Integer.toString(length));
    Response next =
        rawCall(9, request("Echo").toBuilder().setPayload(ByteString.copyFromUtf8("ok")).build());
    assertThat(next.getPayload().toStringUtf8()).isEqualTo("ok");
  }

  @Test
  void aRequestOverTheLimitIsRefusedBeforeSending() {
    byte[] huge = new byte[FrameHeader.MAX_MESSAGE_BYTES + 1];

    assertThatThrownBy(() -> pair().call(SVC, "Echo", huge, WAIT, Map.of()))
        .isInstanceOfSatisfying(
            TtrpcStatusException.class,
            e -> assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED));
  }

  @Test
  void aHandlerStatusIsPassedThroughAndABugBecomesUnknown() {
    TtrpcConnection client = pair();

    assertThatThrownBy(() -> client.call(SVC, "Deny", new byte[0], WAIT, Map.of()))
        .isInstanceOfSatisfying(
            TtrpcStatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StatusCode.PERMISSION_DENIED);
              assertThat(e.description()).isEqualTo("no way");
            });
    assertThatThrownBy(() -> client.call(SVC, "Bug", new byte[0], WAIT, Map.of()))
        .isInstanceOfSatisfying(
            TtrpcStatusException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNKNOWN))
        .hasMessageContaining("handler bug");
  }

  @Test
  void pendingCallsFailWhenTheConnectionCloses() throws Exception {
    CountDownLatch sent = new CountDownLatch(1);
    TtrpcConnection client = new TtrpcConnection("cli", m -> sent.countDown(), TtrpcServer.empty());
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                client.call(SVC, "Echo", new byte[0], WAIT, Map.of());
              } catch (Exception e) {
                failure.complete(e);
              }
            });
    assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
    client.close(new ConnectionClosedException("peer went away"));

    assertThat(failure.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("peer went away");
  }

  @Test
  void metadataKeysMayRepeat() throws Exception {
    Request r =
        request("Metadata").toBuilder()
            .addMetadata(KeyValue.newBuilder().setKey("k").setValue("1"))
            .addMetadata(KeyValue.newBuilder().setKey("k").setValue("2"))
            .build();

    assertThat(rawCall(1, r).getPayload().toStringUtf8()).isEqualTo("{k=[1, 2]} false");
  }
}
