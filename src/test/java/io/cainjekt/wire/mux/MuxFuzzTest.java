// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.fuzz.Mutator;
import io.cainjekt.wire.ttrpc.TtrpcProtocolException;
import io.cainjekt.wire.ttrpc.WireSeeds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the mux: the pure decoder against a reference splitter, and whole {@link Mux}
 * trunks flooded with frames for unknown connections over a Unix socket.
 */
class MuxFuzzTest {

  private static final List<byte[]> SEEDS = WireSeeds.messages();

  @TempDir Path dir;

  /** Frames captured messages as the Go mux does: 4096 bytes, then one frame with the rest. */
  static byte[] trunk(Mutator m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int messages = 1 + m.random().nextInt(4);
    for (int i = 0; i < messages; i++) {
      byte[] msg = m.pick(SEEDS);
      int conn = m.random().nextBoolean() ? ConnIds.PLUGIN : ConnIds.RUNTIME;
      int first = Math.min(msg.length, MuxHeader.MAX_SEND_PAYLOAD_BYTES);
      frame(out, conn, msg, 0, first);
      if (first < msg.length) {
        frame(out, conn, msg, first, msg.length - first);
      }
    }
    return m.mutate(out.toByteArray());
  }

  private static void frame(ByteArrayOutputStream out, int conn, byte[] b, int off, int n) {
    out.writeBytes(ByteBuffer.allocate(MuxHeader.HEADER_BYTES).putInt(conn).putInt(n).array());
    out.write(b, off, n);
  }

  /** Per-connection bytes as the header table says, "error" under key 0 for a reserved frame. */
  static Map<Integer, ByteArrayOutputStream> reference(byte[] in) {
    Map<Integer, ByteArrayOutputStream> out = new HashMap<>();
    ByteBuffer b = ByteBuffer.wrap(in);
    while (b.remaining() >= MuxHeader.HEADER_BYTES) {
      int conn = b.getInt();
      long length = Integer.toUnsignedLong(b.getInt());
      if (conn == 0) {
        out.put(0, new ByteArrayOutputStream());
        return out;
      }
      int n = (int) Math.min(length, b.remaining());
      if (n == 0) {
        continue;
      }
      out.computeIfAbsent(conn, c -> new ByteArrayOutputStream()).write(in, b.position(), n);
      b.position(b.position() + n);
    }
    return out;
  }

  @Test
  void mutatedTrunksSplitIntoExactlyTheBytesTheReferenceSplitterFinds() throws IOException {
    int cases = Mutator.cases(3000);
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      byte[] input = trunk(m);
      Map<Integer, ByteArrayOutputStream> ours = new HashMap<>();
      MuxDecoder decoder = new MuxDecoder();
      try {
        for (byte[] chunk : m.chunks(input)) {
          decoder.feed(
              ByteBuffer.wrap(chunk),
              (conn, payload) -> {
                byte[] b = new byte[payload.remaining()];
                payload.get(b);
                ours.computeIfAbsent(conn, c -> new ByteArrayOutputStream()).writeBytes(b);
              });
        }
      } catch (TtrpcProtocolException e) {
        assertThat(e.getMessage()).contains("reserved connection id 0");
        ours.put(0, new ByteArrayOutputStream());
      }
      assertThat(bytes(ours)).as("case %d", i).isEqualTo(bytes(reference(input)));
    }
  }

  @Test
  void aFrameClaimingFourGibibytesIsStreamedWithoutBuffering() throws IOException {
    MuxDecoder decoder = new MuxDecoder();
    ByteBuffer header = ByteBuffer.allocate(8).putInt(ConnIds.PLUGIN).putInt(-1).flip();
    ByteBuffer data = ByteBuffer.allocate(64 << 10);
    long[] delivered = {0};
    long before = allocatedBytes();
    decoder.feed(header, (conn, payload) -> delivered[0] += payload.remaining());
    for (int i = 0; i < 64; i++) {
      decoder.feed(data.clear(), (conn, payload) -> delivered[0] += payload.remaining());
    }
    long allocated = allocatedBytes() - before;

    assertThat(delivered[0]).isEqualTo(64L * data.capacity());
    assertThat(allocated).isLessThan(1 << 20);
    assertThat(decoder.idle()).isFalse();
  }

  @Test
  void sprayingUnknownConnectionIdsCostsBoundedMemoryAndTheTrunkStaysUsable() throws Exception {
    try (Pair pair = Pair.open(dir.resolve("spray.sock"))) {
      ByteBuffer spray = ByteBuffer.allocate(5_000 * 9);
      for (int conn = 3; conn < 5_003; conn++) {
        spray.putInt(conn).putInt(1).put((byte) 0);
      }
      pair.peer.write(spray.flip());
      byte[] ping = {1, 2, 3};
      pair.peer.write(ByteBuffer.allocate(8 + ping.length).putInt(1).putInt(3).put(ping).flip());

      assertThat(pair.received.poll(10, TimeUnit.SECONDS))
          .as("bytes on connection 1")
          .isEqualTo(ping);
      assertThat(pair.mux.unknownConnectionsWarned()).isEqualTo(Mux.MAX_WARNED_UNKNOWN);
      assertThat(pair.mux.closedFuture()).isNotDone();
    }
  }

  /** A mux that queues what arrives on connection 1, and the raw peer socket. */
  private record Pair(Mux mux, SocketChannel peer, BlockingQueue<byte[]> received)
      implements AutoCloseable {
    static Pair open(Path socket) throws IOException {
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(socket));
        SocketChannel ours = SocketChannel.open(StandardProtocolFamily.UNIX);
        ours.connect(UnixDomainSocketAddress.of(socket));
        Pair pair =
            new Pair(
                new Mux(ours, "fuzz-mux-reader"), server.accept(), new LinkedBlockingQueue<>());
        pair.mux.receive(
            ConnIds.PLUGIN,
            new Mux.Receiver() {
              @Override
              public void receive(ByteBuffer payload) {
                byte[] b = new byte[payload.remaining()];
                payload.get(b);
                pair.received.add(b);
              }

              @Override
              public boolean idle() {
                return true;
              }

              @Override
              public void closed(IOException cause) {}
            });
        pair.mux.start();
        return pair;
      }
    }

    @Override
    public void close() throws IOException {
      mux.close();
      peer.close();
    }
  }

  private static Map<Integer, String> bytes(Map<Integer, ByteArrayOutputStream> m) {
    Map<Integer, String> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, java.util.HexFormat.of().formatHex(v.toByteArray())));
    return out;
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
