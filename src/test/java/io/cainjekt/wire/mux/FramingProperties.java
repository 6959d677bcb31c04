// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.wire.ttrpc.FrameCodec;
import io.cainjekt.wire.ttrpc.MessageType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Framing invariants over random messages, frame splits, interleavings and read sizes. */
class FramingProperties {

  record Msg(int conn, int streamId, byte[] payload) {}

  @Provide
  Arbitrary<List<Msg>> messages() {
    Arbitrary<Msg> msg =
        Combinators.combine(
                Arbitraries.of(ConnIds.PLUGIN, ConnIds.RUNTIME),
                Arbitraries.integers().between(0, 1000).map(i -> 2 * i + 1),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(9000))
            .as(Msg::new);
    return msg.list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 200)
  void messagesSurviveRandomFrameSplitsInterleavingAndPartialReads(
      @ForAll("messages") List<Msg> msgs, @ForAll long seed) throws IOException {
    Random random = new Random(seed);
    byte[] trunk = frameInterleaved(msgs, random);
    Map<Integer, FrameCodec> codecs = new HashMap<>();
    Map<Integer, List<FrameCodec.Decoded>> out = new HashMap<>();
    MuxDecoder mux = new MuxDecoder();

    for (byte[] chunk : randomChunks(trunk, random)) {
      mux.feed(
          ByteBuffer.wrap(chunk),
          (conn, payload) ->
              codecs
                  .computeIfAbsent(conn, c -> new FrameCodec())
                  .feed(payload, d -> out.computeIfAbsent(conn, c -> new ArrayList<>()).add(d)));
    }

    assertThat(mux.idle()).isTrue();
    for (int conn : List.of(ConnIds.PLUGIN, ConnIds.RUNTIME)) {
      List<Msg> expected = msgs.stream().filter(m -> m.conn() == conn).toList();
      List<FrameCodec.Decoded> actual = out.getOrDefault(conn, List.of());
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        FrameCodec.Decoded.Message m = (FrameCodec.Decoded.Message) actual.get(i);
        assertThat(m.header().streamId()).isEqualTo(expected.get(i).streamId());
        assertThat(m.payload()).containsExactly(expected.get(i).payload());
      }
    }
  }

  @Property(tries = 300)
  void garbageNeverEscapesAsAnythingButAnIoException(
      @ForAll @Size(max = 300) byte[] garbage, @ForAll @IntRange(min = 1, max = 64) int chunk) {
    MuxDecoder mux = new MuxDecoder();
    Map<Integer, FrameCodec> codecs = new HashMap<>();
    try {
      for (int i = 0; i < garbage.length; i += chunk) {
        mux.feed(
            ByteBuffer.wrap(Arrays.copyOfRange(garbage, i, Math.min(garbage.length, i + chunk))),
            (conn, payload) ->
                codecs.computeIfAbsent(conn, c -> new FrameCodec()).feed(payload, d -> {}));
      }
    } catch (IOException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  /**
   * Splits each message into random frames (each at most 4096 bytes, like our sender, or larger,
   * like Go's) and interleaves the two connections at frame boundaries, keeping per-conn order.
   */
  private static byte[] frameInterleaved(List<Msg> msgs, Random random) {
    Map<Integer, List<byte[]>> framesByConn = new HashMap<>();
    for (Msg m : msgs) {
      byte[] message = FrameCodec.encode(m.streamId(), MessageType.REQUEST, 0, m.payload());
      int offset = 0;
      do {
        int n = Math.min(message.length - offset, 1 + random.nextInt(6000));
        ByteBuffer f = ByteBuffer.allocate(8 + n);
        new MuxHeader(m.conn(), n).encode(f);
        f.put(message, offset, n);
        framesByConn.computeIfAbsent(m.conn(), c -> new ArrayList<>()).add(f.array());
        offset += n;
      } while (offset < message.length);
    }
    ByteArrayOutputStream trunk = new ByteArrayOutputStream();
    List<List<byte[]>> queues = new ArrayList<>(framesByConn.values());
    while (queues.stream().anyMatch(q -> !q.isEmpty())) {
      List<byte[]> q = queues.get(random.nextInt(queues.size()));
      if (!q.isEmpty()) {
        trunk.writeBytes(q.removeFirst());
      }
    }
    return trunk.toByteArray();
  }

  private static List<byte[]> randomChunks(byte[] bytes, Random random) {
    List<byte[]> chunks = new ArrayList<>();
    int i = 0;
    while (i < bytes.length) {
      int n = Math.min(bytes.length - i, 1 + random.nextInt(random.nextBoolean() ? 16 : 70000));
      chunks.add(Arrays.copyOfRange(bytes, i, i + n));
      i += n;
    }
    return chunks;
  }
}
