// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.wire.ttrpc.FrameCodec;
import io.cainjekt.wire.ttrpc.GoldenHex;
import io.cainjekt.wire.ttrpc.TtrpcProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MuxTest {

  @TempDir Path dir;
  private SocketChannel peer;
  private Mux mux;
  private final Map<Integer, ByteArrayOutputStream> received = new HashMap<>();
  private final java.util.concurrent.BlockingQueue<FrameCodec.Decoded> messages =
      new java.util.concurrent.LinkedBlockingQueue<>();

  @BeforeEach
  void connect() throws Exception {
    Path socket = dir.resolve("mux.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      SocketChannel ours = SocketChannel.open(StandardProtocolFamily.UNIX);
      ours.connect(UnixDomainSocketAddress.of(socket));
      peer = server.accept();
      mux = new Mux(ours, "test-mux-reader");
    }
    FrameCodec codec = new FrameCodec();
    mux.receive(ConnIds.PLUGIN, receiver(ConnIds.PLUGIN, codec));
    mux.receive(ConnIds.RUNTIME, receiver(ConnIds.RUNTIME, new FrameCodec()));
  }

  private Mux.Receiver receiver(int conn, FrameCodec codec) {
    return new Mux.Receiver() {
      @Override
      public void receive(ByteBuffer payload) throws IOException {
        ByteBuffer copy = payload.duplicate();
        byte[] b = new byte[copy.remaining()];
        copy.get(b);
        synchronized (received) {
          received.computeIfAbsent(conn, k -> new ByteArrayOutputStream()).writeBytes(b);
        }
        codec.feed(payload, messages::add);
      }

      @Override
      public boolean idle() {
        return codec.idle();
      }

      @Override
      public void closed(IOException cause) {}
    };
  }

  @AfterEach
  void close() throws Exception {
    mux.close();
    peer.close();
  }

  private List<MuxHeader> readFrames(Map<Integer, ByteArrayOutputStream> into, int totalBytes)
      throws IOException {
    List<MuxHeader> headers = new ArrayList<>();
    int seen = 0;
    while (seen < totalBytes) {
      ByteBuffer h = ByteBuffer.allocate(MuxHeader.HEADER_BYTES);
      readFully(h);
      MuxHeader header = MuxHeader.decode(h.flip());
      ByteBuffer p = ByteBuffer.allocate((int) header.length());
      readFully(p);
      into.computeIfAbsent(header.connId(), k -> new ByteArrayOutputStream()).writeBytes(p.array());
      headers.add(header);
      seen += (int) header.length();
    }
    return headers;
  }

  private void readFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (peer.read(b) < 0) {
        throw new IOException("eof");
      }
    }
  }

  @Test
  void aLargeMessageLeavesInFramesOfAtMost4096BytesAndConcurrentWritersNeverInterleave()
      throws Exception {
    byte[] one = new byte[10_000];
    byte[] two = new byte[9_000];
    new Random(1).nextBytes(one);
    new Random(2).nextBytes(two);
    mux.start();
    CompletableFuture<Void> a =
        CompletableFuture.runAsync(() -> write(ConnIds.PLUGIN, one), Thread::startVirtualThread);
    write(ConnIds.RUNTIME, two);
    a.get(5, TimeUnit.SECONDS);

    Map<Integer, ByteArrayOutputStream> byConn = new HashMap<>();
    List<MuxHeader> frames = readFrames(byConn, one.length + two.length);

    assertThat(frames).allSatisfy(f -> assertThat(f.length()).isLessThanOrEqualTo(4096));
    assertThat(frames).hasSize(6);
    assertThat(frames.stream().map(MuxHeader::connId).distinct().count()).isEqualTo(2);
    assertThat(frames.subList(0, 3))
        .extracting(MuxHeader::connId)
        .containsOnly(frames.get(0).connId());
    assertThat(byConn.get(ConnIds.PLUGIN).toByteArray()).containsExactly(one);
    assertThat(byConn.get(ConnIds.RUNTIME).toByteArray()).containsExactly(two);
  }

  @Test
  void twoMessagesNeverShareAFrame() throws Exception {
    mux.start();
    mux.channel(ConnIds.PLUGIN).write(new byte[10]);
    mux.channel(ConnIds.PLUGIN).write(new byte[20]);

    List<MuxHeader> frames = readFrames(new HashMap<>(), 30);

    assertThat(frames).extracting(MuxHeader::length).containsExactly(10L, 20L);
  }

  private void write(int conn, byte[] message) {
    try {
      mux.channel(conn).write(message);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aMessageSplitOverTwoFramesIsReassembled() throws Exception {
    mux.start();
    peer.write(ByteBuffer.wrap(GoldenHex.load("frames/mux-two-frames-one-message.hex")));

    assertThat(nextMessage().header().streamId()).isEqualTo(1);
  }

  @Test
  void aFrameFarLargerThan4096BytesIsAccepted() throws Exception {
    byte[] message =
        FrameCodec.encode(1, io.cainjekt.wire.ttrpc.MessageType.REQUEST, 0, new byte[100_000]);
    ByteBuffer frame = ByteBuffer.allocate(8 + message.length);
    new MuxHeader(ConnIds.RUNTIME, message.length).encode(frame);
    frame.put(message).flip();
    mux.start();
    while (frame.hasRemaining()) {
      peer.write(frame);
    }

    assertThat(nextMessage().header().dataLength()).isEqualTo(100_000);
  }

  @Test
  void aFrameOnReservedConnectionZeroClosesTheTrunkWithTheReason() throws Exception {
    mux.start();
    peer.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 42}));

    IOException cause = mux.closedFuture().get(5, TimeUnit.SECONDS);
    assertThat(cause)
        .isInstanceOf(TtrpcProtocolException.class)
        .hasMessageContaining("reserved connection id 0");
  }

  @Test
  void anUnknownTtrpcMessageTypeClosesTheTrunk() throws Exception {
    mux.start();
    peer.write(ByteBuffer.wrap(GoldenHex.parse("00000001 0000000a 00000000 00000001 0900")));

    assertThat(mux.closedFuture().get(5, TimeUnit.SECONDS))
        .hasMessageContaining("message type 9 is unknown");
  }

  @Test
  void aStreamThatEndsInsideAMessageIsReportedAsTruncated() throws Exception {
    mux.start();
    peer.write(ByteBuffer.wrap(GoldenHex.parse("00000001 00000006 000000ff0000")));
    peer.close();

    assertThat(mux.closedFuture().get(5, TimeUnit.SECONDS)).hasMessageContaining("truncated");
  }

  @Test
  void aCleanEndOfStreamIsNotCalledTruncated() throws Exception {
    mux.start();
    peer.close();

    assertThat(mux.closedFuture().get(5, TimeUnit.SECONDS))
        .hasMessage("peer closed the connection");
  }

  @Test
  void writingAfterCloseFailsWithTheFirstCause() throws Exception {
    mux.start();
    mux.close(new TtrpcProtocolException("first"));
    mux.close(new TtrpcProtocolException("second"));

    assertThat(mux.closedFuture().get()).hasMessage("first");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> mux.channel(ConnIds.PLUGIN).write(new byte[1]))
        .isInstanceOf(io.cainjekt.wire.ttrpc.ConnectionClosedException.class)
        .hasMessageContaining("first");
  }

  private FrameCodec.Decoded nextMessage() throws InterruptedException {
    FrameCodec.Decoded m = messages.poll(5, TimeUnit.SECONDS);
    assertThat(m).as("a message arrived").isNotNull();
    return m;
  }
}
