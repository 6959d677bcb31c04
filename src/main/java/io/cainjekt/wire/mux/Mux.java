// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.mux;

import io.cainjekt.wire.ttrpc.ConnectionClosedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NRI's connection multiplexer over one stream socket (a "trunk"): one named reader thread splits
 * incoming frames by connection id and pushes the bytes to each connection's {@link Receiver}; one
 * write lock keeps header and payload of a frame, and all frames of one message, together. The
 * first error closes the trunk; it is kept and handed to every receiver and later writer.
 *
 * <p>Thread-safe.
 */
public final class Mux implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Mux.class);
  private static final int READ_BUFFER_BYTES = 64 << 10;

  /**
   * Unknown connection ids we warn about one by one; past this a peer spraying ids gets no more
   * warnings and costs no more memory.
   */
  static final int MAX_WARNED_UNKNOWN = 16;

  /** The receiving side of one logical connection; called on the reader thread. */
  public interface Receiver {
    /** Bytes that arrived for this connection; throwing closes the whole trunk. */
    void receive(ByteBuffer payload) throws IOException;

    /** Whether the receiver sits between messages (EOF now would truncate nothing). */
    boolean idle();

    /** The trunk closed; {@code cause} says why. */
    void closed(IOException cause);
  }

  private final SocketChannel channel;
  private final String readerName;
  private final Map<Integer, Receiver> receivers = new ConcurrentHashMap<>();
  private final Set<Integer> warnedUnknown = ConcurrentHashMap.newKeySet();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicReference<IOException> failure = new AtomicReference<>();
  private final CompletableFuture<IOException> closed = new CompletableFuture<>();
  private final MuxDecoder decoder = new MuxDecoder();
  private volatile Thread reader;

  /**
   * @param channel a connected, blocking socket channel; the mux owns it from now on
   * @param readerName name of the reader thread, e.g. {@code nri-mux-reader}
   */
  public Mux(SocketChannel channel, String readerName) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.readerName = Objects.requireNonNull(readerName, "readerName");
  }

  /** The sending side of {@code connId}. */
  public MuxChannel channel(int connId) {
    if (connId == ConnIds.RESERVED) {
      throw new IllegalArgumentException("connection id 0 is reserved");
    }
    return new MuxChannel(this, connId);
  }

  /** Registers the receiver of {@code connId}; call before {@link #start()}. */
  public void receive(int connId, Receiver receiver) {
    if (receivers.putIfAbsent(connId, Objects.requireNonNull(receiver, "receiver")) != null) {
      throw new IllegalStateException("connection " + connId + " already has a receiver");
    }
  }

  /** Starts the reader thread. */
  public void start() {
    Thread t = Thread.ofPlatform().name(readerName).daemon(true).unstarted(this::readLoop);
    reader = t;
    t.start();
  }

  /** Completes with the cause once the trunk is closed. */
  public CompletableFuture<IOException> closedFuture() {
    return closed;
  }

  /** Closes the trunk with a cause; only the first cause counts. Idempotent. */
  public void close(IOException cause) {
    if (!failure.compareAndSet(null, cause)) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a socket we are abandoning anyway; nothing left to do
    }
    receivers.values().forEach(r -> r.closed(cause));
    closed.complete(cause);
    Thread t = reader;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    close(new ConnectionClosedException("closed by us"));
  }

  void write(int connId, byte[] message) throws IOException {
    failIfClosed();
    writeLock.lock();
    try {
      int offset = 0;
      do {
        int n = Math.min(MuxHeader.MAX_SEND_PAYLOAD_BYTES, message.length - offset);
        ByteBuffer frame = ByteBuffer.allocate(MuxHeader.HEADER_BYTES + n);
        new MuxHeader(connId, n).encode(frame);
        frame.put(message, offset, n).flip();
        while (frame.hasRemaining()) {
          channel.write(frame);
        }
        offset += n;
      } while (offset < message.length);
    } catch (IOException e) {
      ConnectionClosedException cause = new ConnectionClosedException("write failed: " + e, e);
      close(cause);
      throw cause;
    } finally {
      writeLock.unlock();
    }
  }

  private void failIfClosed() throws ConnectionClosedException {
    IOException cause = failure.get();
    if (cause != null) {
      throw new ConnectionClosedException("connection closed: " + cause.getMessage(), cause);
    }
  }

  private void readLoop() {
    ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    try {
      while (true) {
        buffer.clear();
        if (channel.read(buffer) < 0) {
          close(endOfStream());
          return;
        }
        buffer.flip();
        decoder.feed(buffer, this::deliver);
      }
    } catch (ClosedChannelException e) {
      close(new ConnectionClosedException("socket closed", e));
    } catch (IOException e) {
      close(e);
    } catch (RuntimeException e) { // boundary: a bug in a receiver must not kill the process
      close(new ConnectionClosedException("reader failed: " + e, e));
    }
  }

  /** How many unknown connection ids were remembered for warnings (bounded). */
  int unknownConnectionsWarned() {
    return warnedUnknown.size();
  }

  private ConnectionClosedException endOfStream() {
    boolean truncated = !decoder.idle() || receivers.values().stream().anyMatch(r -> !r.idle());
    return new ConnectionClosedException(
        truncated
            ? "peer closed the connection in the middle of a message (truncated stream)"
            : "peer closed the connection");
  }

  private void deliver(int connId, ByteBuffer payload) throws IOException {
    Receiver receiver = receivers.get(connId);
    if (receiver != null) {
      receiver.receive(payload);
    } else if (warnedUnknown.size() < MAX_WARNED_UNKNOWN && warnedUnknown.add(connId)) {
      log.atWarn()
          .setMessage("mux: bytes for an unknown connection discarded")
          .addKeyValue("conn", connId)
          .log();
    }
  }
}
