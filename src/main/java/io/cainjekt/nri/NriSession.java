// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import io.cainjekt.nri.proto.RegisterPluginRequest;
import io.cainjekt.nri.proto.UpdateContainersRequest;
import io.cainjekt.wire.mux.ConnIds;
import io.cainjekt.wire.mux.Mux;
import io.cainjekt.wire.ttrpc.TtrpcConnection;
import io.cainjekt.wire.ttrpc.TtrpcServer;
import io.cainjekt.wire.ttrpc.TtrpcStatusException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One connection to the runtime: the mux, the plugin service on connection 1 (served from the
 * start, so Configure may arrive before our RegisterPlugin call returns) and the runtime client on
 * connection 2. Thread-safe.
 */
final class NriSession implements AutoCloseable {

  static final String RUNTIME_SERVICE = "nri.pkg.api.v1alpha1.Runtime";

  /** How long Runtime/UpdateContainers may take; the runtime may first finish a Synchronize. */
  static final Duration UPDATE_CONTAINERS_TIMEOUT = Duration.ofSeconds(10);

  private final Mux mux;
  private final TtrpcConnection runtime;
  private final PluginService service;

  private NriSession(Mux mux, TtrpcConnection runtime, PluginService service) {
    this.mux = mux;
    this.runtime = runtime;
    this.service = service;
  }

  /** Dials {@code socket} and starts serving the plugin service. */
  static NriSession open(Path socket, PluginService service) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    Mux mux = new Mux(channel, "nri-mux-reader");
    TtrpcConnection plugin =
        new TtrpcConnection("conn1", mux.channel(ConnIds.PLUGIN), service.server());
    TtrpcConnection runtime =
        new TtrpcConnection("conn2", mux.channel(ConnIds.RUNTIME), TtrpcServer.empty());
    mux.receive(ConnIds.PLUGIN, new TtrpcReceiver(plugin));
    mux.receive(ConnIds.RUNTIME, new TtrpcReceiver(runtime));
    mux.start();
    mux.closedFuture().thenAccept(service::sessionClosed);
    return new NriSession(mux, runtime, service);
  }

  /** Calls Runtime/RegisterPlugin. */
  void register(String name, String index, Duration timeout)
      throws IOException, TtrpcStatusException {
    byte[] request =
        RegisterPluginRequest.newBuilder()
            .setPluginName(name)
            .setPluginIdx(index)
            .build()
            .toByteArray();
    runtime.call(RUNTIME_SERVICE, "RegisterPlugin", request, timeout, Map.of());
  }

  /**
   * Calls Runtime/UpdateContainers with {@code evictions} once the reply to this session's
   * Synchronize has been written, on a virtual thread: the runtime holds its own lock while it
   * synchronizes a plugin and takes it again to serve UpdateContainers, so a call made before our
   * reply would wait for a reply that waits for it. Returns at once, also from inside a handler.
   * The future fails with {@link io.cainjekt.wire.ttrpc.ConnectionClosedException} when the session
   * ends first and with {@link TtrpcStatusException} for a status other than OK.
   */
  CompletableFuture<Void> evictContainers(List<ContainerEviction> evictions) {
    byte[] request =
        UpdateContainersRequest.newBuilder()
            .addAllEvict(evictions.stream().map(ProtoRecords::eviction).toList())
            .build()
            .toByteArray();
    return service
        .synchronizeAnswered()
        .thenComposeAsync(
            answered -> {
              try {
                runtime.call(
                    RUNTIME_SERVICE,
                    "UpdateContainers",
                    request,
                    UPDATE_CONTAINERS_TIMEOUT,
                    Map.of());
                return CompletableFuture.<Void>completedFuture(null);
              } catch (IOException | TtrpcStatusException e) {
                return CompletableFuture.<Void>failedFuture(e);
              }
            },
            task -> Thread.ofVirtual().name("nri-update-containers").start(task));
  }

  /** Blocks until the connection is gone and returns why. */
  IOException awaitClosed() throws InterruptedException {
    try {
      return mux.closedFuture().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("closed future never fails", e);
    }
  }

  /** Closes with a reason, e.g. after a failed registration. */
  void close(IOException cause) {
    mux.close(cause);
  }

  @Override
  public void close() {
    mux.close();
  }
}
