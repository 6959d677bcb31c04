// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.nri.proto.RegisterPluginRequest;
import io.cainjekt.wire.mux.ConnIds;
import io.cainjekt.wire.mux.Mux;
import io.cainjekt.wire.ttrpc.TtrpcConnection;
import io.cainjekt.wire.ttrpc.TtrpcServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A container runtime for tests: listens on a Unix socket and speaks real mux + ttrpc, serving
 * Runtime/RegisterPlugin and Runtime/UpdateContainers (answered OK, recorded) on connection 2 and
 * calling the plugin on connection 1.
 */
final class FakeRuntime implements AutoCloseable {

  /** Called inside RegisterPlugin before it returns (e.g. to call Configure first). */
  @FunctionalInterface
  interface BeforeRegisterReply {
    void run(Session session) throws Exception;
  }

  private final Path socket;
  private final ServerSocketChannel server;
  private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
  private final Thread acceptor;
  private volatile BeforeRegisterReply beforeRegisterReply = s -> {};

  FakeRuntime(Path socket) throws IOException {
    this.socket = socket;
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    acceptor = Thread.ofPlatform().name("fake-runtime-accept").daemon(true).start(this::accept);
  }

  void beforeRegisterReply(BeforeRegisterReply hook) {
    this.beforeRegisterReply = hook;
  }

  /** The next plugin connection, after its RegisterPlugin arrived. */
  Session nextSession(Duration timeout) throws Exception {
    Session s = sessions.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(s).as("a plugin connected within %s", timeout).isNotNull();
    s.registered.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return s;
  }

  private void accept() {
    try {
      while (true) {
        SocketChannel ch = server.accept();
        Session s = new Session(ch);
        sessions.add(s);
      }
    } catch (IOException ignored) {
      // server closed: the test is over
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
    sessions.forEach(Session::close);
  }

  /** One accepted plugin connection. */
  final class Session implements AutoCloseable {
    final Mux mux;
    final TtrpcConnection plugin;
    final CompletableFuture<RegisterPluginRequest> registered = new CompletableFuture<>();

    /** Payloads of the plugin's UpdateContainers calls, in arrival order. */
    final BlockingQueue<byte[]> updateContainers = new LinkedBlockingQueue<>();

    /** The mux connection id of every frame read from the plugin, in the order read. */
    final List<Integer> arrivals = new CopyOnWriteArrayList<>();

    Session(SocketChannel ch) {
      mux = new Mux(ch, "fake-runtime-reader");
      plugin = new TtrpcConnection("rt-conn1", mux.channel(ConnIds.PLUGIN), TtrpcServer.empty());
      TtrpcServer runtimeService =
          TtrpcServer.builder()
              .method(
                  NriSession.RUNTIME_SERVICE,
                  "RegisterPlugin",
                  (ctx, payload) -> {
                    beforeRegisterReply.run(this);
                    registered.complete(RegisterPluginRequest.parseFrom(payload));
                    return new byte[0];
                  })
              .method(
                  NriSession.RUNTIME_SERVICE,
                  "UpdateContainers",
                  (ctx, payload) -> {
                    updateContainers.add(payload);
                    return new byte[0];
                  })
              .build();
      TtrpcConnection runtime =
          new TtrpcConnection("rt-conn2", mux.channel(ConnIds.RUNTIME), runtimeService);
      mux.receive(ConnIds.PLUGIN, recorded(ConnIds.PLUGIN, new TtrpcReceiver(plugin)));
      mux.receive(ConnIds.RUNTIME, recorded(ConnIds.RUNTIME, new TtrpcReceiver(runtime)));
      mux.start();
    }

    private Mux.Receiver recorded(int connId, Mux.Receiver receiver) {
      return new Mux.Receiver() {
        @Override
        public void receive(ByteBuffer payload) throws IOException {
          arrivals.add(connId);
          receiver.receive(payload);
        }

        @Override
        public boolean idle() {
          return receiver.idle();
        }

        @Override
        public void closed(IOException cause) {
          receiver.closed(cause);
        }
      };
    }

    /** Calls a Plugin method with a 2 s deadline and metadata like containerd's. */
    byte[] call(String method, com.google.protobuf.MessageLite request) throws Exception {
      return plugin.call(
          PluginService.SERVICE,
          method,
          request.toByteArray(),
          Duration.ofSeconds(2),
          Map.of("containerd-namespace-ttrpc", "k8s.io"));
    }

    @Override
    public void close() {
      mux.close();
    }
  }
}
