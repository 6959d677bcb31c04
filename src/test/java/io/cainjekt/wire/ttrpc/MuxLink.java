// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.wire.mux.Mux;
import io.cainjekt.wire.mux.MuxDecoder;
import io.cainjekt.wire.mux.MuxHeader;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Our side as production wires it (a real {@link Mux} over a Unix socket, a real {@link
 * TtrpcConnection} on one mux connection id) and the raw peer socket, whose reader thread decodes
 * what we send on that id into ttrpc messages. The peer writes whatever bytes a test makes up.
 */
final class MuxLink implements AutoCloseable {

  /** Marks the peer's end of input (we closed the socket). */
  static final FrameCodec.Decoded EOF =
      new FrameCodec.Decoded.Oversized(new FrameHeader(0, 0, MessageType.DATA, 0xff));

  final Mux mux;
  final TtrpcConnection connection;
  final SocketChannel peer;
  final BlockingQueue<FrameCodec.Decoded> inbox = new LinkedBlockingQueue<>();
  final Thread peerReader;
  private final int connId;
  private volatile String violation;

  private MuxLink(
      Mux mux, TtrpcConnection connection, SocketChannel peer, int connId, String name) {
    this.mux = mux;
    this.connection = connection;
    this.peer = peer;
    this.connId = connId;
    this.peerReader = Thread.ofPlatform().name(name + "-peer").daemon(true).start(this::readPeer);
  }

  /** Opens a link whose reader threads are named after {@code name}. */
  static MuxLink open(Path socket, String name, int connId, TtrpcServer server) throws IOException {
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(socket));
      SocketChannel ours = SocketChannel.open(StandardProtocolFamily.UNIX);
      ours.connect(UnixDomainSocketAddress.of(socket));
      SocketChannel peer = listener.accept();
      Mux mux = new Mux(ours, name);
      TtrpcConnection connection = new TtrpcConnection(name, mux.channel(connId), server);
      mux.receive(
          connId,
          new Mux.Receiver() {
            @Override
            public void receive(ByteBuffer payload) throws IOException {
              connection.receive(payload);
            }

            @Override
            public boolean idle() {
              return connection.idle();
            }

            @Override
            public void closed(IOException cause) {
              connection.close(cause);
            }
          });
      mux.start();
      return new MuxLink(mux, connection, peer, connId, name);
    }
  }

  /** Writes {@code ttrpcBytes} to our connection id, in mux frames of the given chunk sizes. */
  void send(List<byte[]> chunks) throws IOException {
    for (byte[] chunk : chunks) {
      ByteBuffer frame = ByteBuffer.allocate(MuxHeader.HEADER_BYTES + chunk.length);
      frame.putInt(connId).putInt(chunk.length).put(chunk).flip();
      while (frame.hasRemaining()) {
        peer.write(frame);
      }
    }
  }

  /** Writes raw bytes to the socket (no mux framing). */
  void sendRaw(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      peer.write(b);
    }
  }

  /** The next decoded message from us, or {@link #EOF}; fails the test after {@code wait}. */
  FrameCodec.Decoded next(Duration wait) throws InterruptedException {
    FrameCodec.Decoded d = inbox.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    assertThat(d).as("a message or EOF from our side within %s", wait).isNotNull();
    return d;
  }

  /** What we sent that the peer could not take (wrong mux id, broken ttrpc), or null. */
  String violation() {
    return violation;
  }

  private void readPeer() {
    MuxDecoder mux = new MuxDecoder();
    FrameCodec codec = new FrameCodec();
    ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
    try {
      while (peer.read(buffer.clear()) >= 0) {
        mux.feed(
            buffer.flip(),
            (conn, payload) -> {
              if (conn != connId) {
                violation = "bytes on mux connection " + conn;
              }
              codec.feed(payload, inbox::add);
            });
      }
    } catch (IOException e) {
      if (!(e instanceof java.nio.channels.ClosedChannelException)
          && !String.valueOf(e.getMessage()).contains("reset")) {
        violation = "peer could not decode what we sent: " + e;
      }
    } finally {
      inbox.add(EOF);
    }
  }

  @Override
  public void close() throws IOException {
    mux.close();
    peer.close();
    try {
      peerReader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
