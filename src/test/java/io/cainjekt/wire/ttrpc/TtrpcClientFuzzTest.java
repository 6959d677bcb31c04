// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cainjekt.fuzz.Mutator;
import io.cainjekt.wire.mux.ConnIds;
import io.cainjekt.wire.ttrpc.proto.Request;
import io.cainjekt.wire.ttrpc.proto.Response;
import io.cainjekt.wire.ttrpc.proto.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side of a real {@link TtrpcConnection} behind a real mux, calling a hostile peer that
 * answers concurrent calls in random order and between the real answers sends duplicates of answers
 * already given, responses for stream ids we never used (even, zero, far ahead), error responses
 * for them and data frames for pending calls. Every call must end with its own answer (payload or
 * status), a call the peer ignores with DEADLINE_EXCEEDED, and a late answer must not complete the
 * next call; a protocol error fails pending calls at once with the closed-connection exception
 * instead of leaving them hanging.
 */
class TtrpcClientFuzzTest {

  private static final String SVC = "fuzz.Peer";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration IGNORED_TIMEOUT = Duration.ofMillis(100);
  private static final String READER = "fuzz-ttrpc-client-";

  @TempDir Path dir;

  /** What the peer is told to do with a call, carried in its payload as {@code k:verdict}. */
  private enum Verdict {
    ANSWER,
    DENY,
    IGNORE
  }

  @Test
  void everyCallEndsWithItsOwnAnswerWhateverElseThePeerSends() throws Exception {
    int cases = Mutator.cases(40);
    for (int i = 0; i < cases; i++) {
      runCase(i);
    }
    assertThat(TtrpcServerFuzzTest.liveThreads(READER)).as("reader threads left").isZero();
  }

  private void runCase(int i) throws Exception {
    Mutator m = Mutator.forCase(i);
    Random r = m.random();
    int calls = 1 + r.nextInt(12);
    List<Verdict> verdicts = new ArrayList<>();
    for (int k = 0; k < calls; k++) {
      verdicts.add(Verdict.values()[r.nextInt(r.nextInt(4) == 0 ? 3 : 2)]);
    }
    boolean garbage = r.nextInt(4) == 0;
    try (MuxLink link =
        MuxLink.open(dir.resolve(i + ".sock"), READER + i, ConnIds.RUNTIME, TtrpcServer.empty())) {
      List<CompletableFuture<Object>> results = new ArrayList<>();
      for (int k = 0; k < calls; k++) {
        results.add(call(link.connection, k, verdicts.get(k), garbage));
      }
      List<Integer> answered = new ArrayList<>();
      List<FrameCodec.Decoded.Message> ignored = new ArrayList<>();
      List<FrameCodec.Decoded.Message> requests = new ArrayList<>();
      for (int k = 0; k < calls; k++) {
        requests.add((FrameCodec.Decoded.Message) link.next(WAIT));
      }
      Collections.shuffle(requests, r);
      for (FrameCodec.Decoded.Message q : requests) {
        Request req = Request.parseFrom(q.payload());
        Verdict v = verdictOf(req);
        link.send(m.chunks(noise(r, answered, q.header().streamId())));
        if (v == Verdict.IGNORE) {
          ignored.add(q);
          continue;
        }
        link.send(m.chunks(answer(q.header().streamId(), req, v)));
        answered.add(q.header().streamId());
      }
      if (garbage) {
        link.send(List.of(FrameCodec.encode(1 << 30, MessageType.RESPONSE, 0, new byte[] {-1})));
      }
      for (int k = 0; k < calls; k++) {
        Object outcome = results.get(k).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(outcome)
            .as("case %d call %d (%s)", i, k, verdicts.get(k))
            .isEqualTo(expected(k, verdicts.get(k), garbage));
      }
      if (!garbage) {
        for (FrameCodec.Decoded.Message q : ignored) { // too late now: must complete nothing
          link.send(
              List.of(
                  answer(q.header().streamId(), Request.parseFrom(q.payload()), Verdict.ANSWER)));
        }
        CompletableFuture<Object> after = call(link.connection, calls, Verdict.ANSWER, false);
        FrameCodec.Decoded.Message q = (FrameCodec.Decoded.Message) link.next(WAIT);
        link.send(
            List.of(answer(q.header().streamId(), Request.parseFrom(q.payload()), Verdict.ANSWER)));
        assertThat(after.get(WAIT.toSeconds(), TimeUnit.SECONDS))
            .as("case %d: the call after the late answers", i)
            .isEqualTo(expected(calls, Verdict.ANSWER, false));
        assertThat(link.mux.closedFuture()).as("case %d: still connected", i).isNotDone();
      } else {
        assertThat(link.mux.closedFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
            .as("case %d", i)
            .isInstanceOf(TtrpcProtocolException.class);
      }
      assertThat(link.violation()).as("case %d", i).isNull();
    }
  }

  /** Starts call {@code k} on a virtual thread; completes with its payload or its failure. */
  private static CompletableFuture<Object> call(
      TtrpcConnection c, int k, Verdict v, boolean garbage) {
    CompletableFuture<Object> out = new CompletableFuture<>();
    Duration timeout = v == Verdict.IGNORE && !garbage ? IGNORED_TIMEOUT : WAIT;
    Thread.ofVirtual()
        .name("fuzz-call-" + k)
        .start(
            () -> {
              try {
                byte[] reply =
                    c.call(
                        SVC,
                        "M",
                        (k + ":" + v).getBytes(StandardCharsets.UTF_8),
                        timeout,
                        Map.of());
                out.complete("payload " + new String(reply, StandardCharsets.UTF_8));
              } catch (TtrpcStatusException e) {
                out.complete(
                    e.code()
                        + " "
                        + (e.code() == StatusCode.DEADLINE_EXCEEDED ? "" : e.description()));
              } catch (Exception e) {
                out.complete(e.getClass().getSimpleName());
              }
            });
    return out;
  }

  private static Object expected(int k, Verdict v, boolean garbage) {
    return switch (v) {
      case ANSWER -> "payload answer to " + k + ":" + v;
      case DENY -> StatusCode.PERMISSION_DENIED + " no to " + k + ":" + v;
      case IGNORE ->
          garbage
              ? ConnectionClosedException.class.getSimpleName()
              : StatusCode.DEADLINE_EXCEEDED + " ";
    };
  }

  private static Verdict verdictOf(Request req) {
    String p = req.getPayload().toStringUtf8();
    return Verdict.valueOf(p.substring(p.indexOf(':') + 1));
  }

  private static byte[] answer(int streamId, Request req, Verdict v) {
    String p = req.getPayload().toStringUtf8();
    Response.Builder r = Response.newBuilder();
    if (v == Verdict.DENY) {
      r.setStatus(
          Status.newBuilder()
              .setCode(StatusCode.PERMISSION_DENIED.code())
              .setMessage("no to " + p));
    } else {
      r.setPayload(ByteString.copyFromUtf8("answer to " + p));
    }
    return FrameCodec.encode(streamId, MessageType.RESPONSE, 0, r.build().toByteArray());
  }

  /** Frames that must complete no call: for ids never used or already answered, data for ours. */
  private static byte[] noise(Random r, List<Integer> answered, int pending) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int n = r.nextInt(4);
    for (int k = 0; k < n; k++) {
      int id =
          switch (r.nextInt(4)) {
            case 0 -> answered.isEmpty() ? 0 : answered.get(r.nextInt(answered.size()));
            case 1 -> 2 * r.nextInt(1 << 20);
            case 2 -> (1 << 30) + 1 + 2 * r.nextInt(1 << 20);
            default -> -1;
          };
      if (id == -1) {
        out.writeBytes(FrameCodec.encode(pending, MessageType.DATA, 0, new byte[] {1, 2, 3}));
      } else if (r.nextBoolean()) {
        Response bogus = Response.newBuilder().setPayload(ByteString.copyFromUtf8("bogus")).build();
        out.writeBytes(FrameCodec.encode(id, MessageType.RESPONSE, 0, bogus.toByteArray()));
      } else {
        Response bogus =
            Response.newBuilder()
                .setStatus(
                    Status.newBuilder().setCode(StatusCode.INTERNAL.code()).setMessage("bogus"))
                .build();
        out.writeBytes(FrameCodec.encode(id, MessageType.RESPONSE, 0, bogus.toByteArray()));
      }
    }
    return out.toByteArray();
  }
}
