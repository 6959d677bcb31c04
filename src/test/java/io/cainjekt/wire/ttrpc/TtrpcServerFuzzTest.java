// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cainjekt.fuzz.Mutator;
import io.cainjekt.wire.mux.ConnIds;
import io.cainjekt.wire.ttrpc.proto.Request;
import io.cainjekt.wire.ttrpc.proto.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server side of a real {@link TtrpcConnection} behind a real mux on a Unix socket, fed a
 * random mix of requests: valid, to unknown services and methods, to handlers that throw, that
 * answer late or past their deadline, with reused, lower and even stream ids, not protobuf,
 * oversized, with responses and data for streams nobody opened, all in random mux framing; some
 * cases end in a protocol error. Every request gets exactly one reply carrying the status the model
 * predicts, nothing answers a stream nobody requested, a protocol error closes the socket, and no
 * handler or reader thread outlives its case.
 */
class TtrpcServerFuzzTest {

  private static final String SVC = "fuzz.Service";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String READER = "fuzz-ttrpc-server-";

  @TempDir Path dir;

  /** One expected reply; {@code payload} null when any payload will do. */
  private record Expect(StatusCode code, ByteString payload) {}

  /** The server of one case: handlers count their starts and exits and wait for a release. */
  private static final class Handlers {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger started = new AtomicInteger();
    final Semaphore exited = new Semaphore(0);

    TtrpcServer server() {
      return TtrpcServer.builder()
          .method(SVC, "Echo", (ctx, p) -> run(() -> p))
          .method(
              SVC,
              "Slow",
              (ctx, p) ->
                  run(
                      () -> {
                        release.await();
                        return p;
                      }))
          .method(
              SVC,
              "Hang",
              (ctx, p) ->
                  run(
                      () -> {
                        new CountDownLatch(1).await(); // until the deadline interrupts it
                        return p;
                      }))
          .method(
              SVC,
              "Bug",
              (ctx, p) ->
                  run(
                      () -> {
                        throw new IllegalStateException("handler bug");
                      }))
          .method(
              SVC,
              "Deny",
              (ctx, p) ->
                  run(
                      () -> {
                        throw new TtrpcStatusException(StatusCode.PERMISSION_DENIED, "denied");
                      }))
          .method(SVC, "Huge", (ctx, p) -> run(() -> new byte[FrameHeader.MAX_MESSAGE_BYTES + 1]))
          .build();
    }

    private byte[] run(java.util.concurrent.Callable<byte[]> body) throws Exception {
      started.incrementAndGet();
      try {
        return body.call();
      } finally {
        exited.release();
      }
    }
  }

  /** The requests of one case and the replies the protocol promises for them. */
  private static final class Script {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final Map<Integer, List<Expect>> expected = new HashMap<>();
    final List<Integer> used = new ArrayList<>();
    private final Random random;
    private int last;
    private boolean oversizedSent;

    Script(Random random) {
      this.random = random;
    }

    int fresh() {
      last += 2 * (1 + random.nextInt(3)) - (last == 0 ? 1 : 0);
      used.add(last);
      return last;
    }

    void request(int streamId, String method, byte[] payload, long timeoutNanos, Expect e) {
      Request r =
          Request.newBuilder()
              .setService(method.equals("NoService") ? "no.Such" : SVC)
              .setMethod(method.equals("NoService") ? "Echo" : method)
              .setPayload(ByteString.copyFrom(payload))
              .setTimeoutNano(timeoutNanos)
              .build();
      frame(streamId, MessageType.REQUEST, r.toByteArray());
      expect(streamId, e);
    }

    void frame(int streamId, MessageType type, byte[] payload) {
      bytes.writeBytes(FrameCodec.encode(streamId, type, 0, payload));
    }

    void expect(int streamId, Expect e) {
      expected.computeIfAbsent(streamId, k -> new ArrayList<>()).add(e);
    }

    void add(Mutator m) {
      byte[] p = m.randomBytes(m.random().nextInt(40));
      ByteString echo = ByteString.copyFrom(p);
      switch (random.nextInt(13)) {
        case 0, 1 -> request(fresh(), "Echo", p, 0, new Expect(StatusCode.OK, echo));
        case 2 -> request(fresh(), "Slow", p, 0, new Expect(StatusCode.OK, echo));
        case 3 ->
            request(fresh(), "Hang", p, 1_000_000, new Expect(StatusCode.DEADLINE_EXCEEDED, null));
        case 4 -> request(fresh(), "Bug", p, 0, new Expect(StatusCode.UNKNOWN, null));
        case 5 -> request(fresh(), "Deny", p, 0, new Expect(StatusCode.PERMISSION_DENIED, null));
        case 6 ->
            request(
                fresh(),
                random.nextBoolean() ? "Nope" : "NoService",
                p,
                0,
                new Expect(StatusCode.UNIMPLEMENTED, null));
        case 7 -> {
          if (used.isEmpty()) {
            request(fresh(), "Echo", p, 0, new Expect(StatusCode.OK, echo));
          } else {
            int id = used.get(random.nextInt(used.size())); // reused or lower than the last
            request(id, "Echo", p, 0, new Expect(StatusCode.INVALID_ARGUMENT, null));
          }
        }
        case 8 ->
            request(
                2 * random.nextInt(1 << 20),
                "Echo",
                p,
                0,
                new Expect(StatusCode.INVALID_ARGUMENT, null));
        case 9 -> {
          int id = fresh();
          frame(id, MessageType.REQUEST, new byte[] {(byte) 0xff, 0x01});
          expect(id, new Expect(StatusCode.INVALID_ARGUMENT, null));
        }
        case 10 -> {
          if (oversizedSent || random.nextInt(4) != 0) {
            request(fresh(), "Huge", p, 0, new Expect(StatusCode.RESOURCE_EXHAUSTED, null));
          } else {
            oversizedSent = true;
            int id = last + 2; // refused before the id check: does not count as taken
            bytes.writeBytes(
                new FrameHeader(FrameHeader.MAX_MESSAGE_BYTES + 1, id, MessageType.REQUEST, 0)
                    .encode());
            bytes.writeBytes(new byte[FrameHeader.MAX_MESSAGE_BYTES + 1]);
            expect(id, new Expect(StatusCode.RESOURCE_EXHAUSTED, null));
          }
        }
        case 11 -> frame(1 + 2 * random.nextInt(1 << 20), MessageType.RESPONSE, new byte[0]);
        default -> frame(last + 2, MessageType.DATA, p); // ignored: only unary calls are served
      }
    }
  }

  @Test
  void everyRequestGetsExactlyOneReplyWithThePredictedStatus() throws Exception {
    int cases = Mutator.cases(40);
    for (int i = 0; i < cases; i++) {
      runCase(i);
    }
    assertThat(liveThreads(READER)).as("reader threads left").isZero();
  }

  private void runCase(int i) throws Exception {
    Mutator m = Mutator.forCase(i);
    Handlers handlers = new Handlers();
    Script script = new Script(m.random());
    int ops = 1 + m.random().nextInt(40);
    for (int k = 0; k < ops; k++) {
      script.add(m);
    }
    boolean garbage = m.random().nextInt(3) == 0;
    boolean drainFirst = garbage && m.random().nextBoolean();
    String name = READER + i;
    try (MuxLink link =
        MuxLink.open(dir.resolve(i + ".sock"), name, ConnIds.PLUGIN, handlers.server())) {
      link.send(m.chunks(script.bytes.toByteArray()));
      handlers.release.countDown();
      Map<Integer, List<Expect>> got = new HashMap<>();
      if (!garbage || drainFirst) {
        collect(link, got, count(script.expected), i);
        assertThat(multiset(got)).as("case %d: replies", i).isEqualTo(multiset(script.expected));
      }
      if (garbage) {
        sendProtocolError(link, m.random().nextInt(4));
      } else {
        int barrier = script.fresh();
        script.expect(barrier, new Expect(StatusCode.OK, ByteString.EMPTY));
        link.send(List.of(FrameCodec.encode(barrier, MessageType.REQUEST, 0, barrierRequest())));
        collect(link, got, 1, i);
        link.peer.shutdownOutput();
      }
      collectUntilEof(link, got, i);
      assertThat(link.mux.closedFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("case %d: why the trunk closed", i)
          .isInstanceOf(garbage ? TtrpcProtocolException.class : ConnectionClosedException.class);
      assertSubset(got, script.expected, i);
      if (!garbage || drainFirst) {
        assertThat(multiset(got))
            .as("case %d: nothing after the last reply", i)
            .isEqualTo(multiset(script.expected));
      }
      assertThat(link.violation()).as("case %d", i).isNull();
    }
    assertThat(handlers.exited.tryAcquire(handlers.started.get(), 10, TimeUnit.SECONDS))
        .as("case %d: every handler returned", i)
        .isTrue();
  }

  /** Bytes that break the protocol: each closes the trunk with a TtrpcProtocolException. */
  private static void sendProtocolError(MuxLink link, int kind) throws IOException {
    switch (kind) {
      case 0 -> link.send(List.of(new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 9, 0})); // message type 9
      case 1 -> link.send(List.of(FrameCodecFuzzTest.header(0x8000_0000L, 1, 1))); // 2 GiB
      case 2 -> // a response whose payload is not protobuf, for a stream nobody opened
          link.send(List.of(FrameCodec.encode(3, MessageType.RESPONSE, 0, new byte[] {-1})));
      default -> link.sendRaw(ByteBuffer.allocate(8).putInt(0).putInt(1).array()); // mux id 0
    }
  }

  private static byte[] barrierRequest() {
    return Request.newBuilder().setService(SVC).setMethod("Echo").build().toByteArray();
  }

  /** Replies per stream id as counts, so their order does not matter. */
  private static Map<Integer, Map<Expect, Long>> multiset(Map<Integer, List<Expect>> replies) {
    Map<Integer, Map<Expect, Long>> out = new HashMap<>();
    replies.forEach(
        (id, list) ->
            out.put(
                id,
                list.stream()
                    .collect(
                        java.util.stream.Collectors.groupingBy(
                            e -> e, java.util.stream.Collectors.counting()))));
    return out;
  }

  private static int count(Map<Integer, List<Expect>> expected) {
    return expected.values().stream().mapToInt(List::size).sum();
  }

  private static void collect(MuxLink link, Map<Integer, List<Expect>> got, int n, int i)
      throws Exception {
    for (int k = 0; k < n; k++) {
      FrameCodec.Decoded d = link.next(WAIT);
      assertThat(d).as("case %d: reply %d of %d before EOF", i, k + 1, n).isNotSameAs(MuxLink.EOF);
      record(d, got, i);
    }
  }

  private static void collectUntilEof(MuxLink link, Map<Integer, List<Expect>> got, int i)
      throws Exception {
    for (FrameCodec.Decoded d = link.next(WAIT); d != MuxLink.EOF; d = link.next(WAIT)) {
      record(d, got, i);
    }
  }

  private static void record(FrameCodec.Decoded d, Map<Integer, List<Expect>> got, int i)
      throws IOException {
    assertThat(d).as("case %d: a whole message", i).isInstanceOf(FrameCodec.Decoded.Message.class);
    assertThat(d.header().type()).as("case %d", i).isEqualTo(MessageType.RESPONSE);
    Response r = Response.parseFrom(((FrameCodec.Decoded.Message) d).payload());
    StatusCode code = StatusCode.of(r.getStatus().getCode());
    got.computeIfAbsent(d.header().streamId(), k -> new ArrayList<>())
        .add(new Expect(code, code == StatusCode.OK ? r.getPayload() : null));
  }

  private static void assertSubset(
      Map<Integer, List<Expect>> got, Map<Integer, List<Expect>> expected, int i) {
    got.forEach(
        (id, replies) -> {
          assertThat(expected).as("case %d: stream %d was requested", i, id).containsKey(id);
          List<Expect> left = new ArrayList<>(expected.get(id));
          for (Expect e : replies) {
            assertThat(left.remove(e)).as("case %d: reply %s on stream %d", i, e, id).isTrue();
          }
        });
  }

  static long liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }
}
