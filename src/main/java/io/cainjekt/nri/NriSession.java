// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import io.cainjekt.nri.proto.RegisterPluginRequest;
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
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * One connection to the runtime: the mux, the plugin service on connection 1 (served from the
 * start, so Configure may arrive before our RegisterPlugin call returns) and the runtime client on
 * connection 2. Thread-safe.
 */
final class NriSession implements AutoCloseable {

  static final String RUNTIME_SERVICE = "nri.pkg.api.v1alpha1.Runtime";

  private final Mux mux;
  private final TtrpcConnection runtime;

  private NriSession(Mux mux, TtrpcConnection runtime) {
    this.mux = mux;
    this.runtime = runtime;
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
    return new NriSession(mux, runtime);
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
