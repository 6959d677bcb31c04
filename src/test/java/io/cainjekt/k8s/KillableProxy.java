// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of the mock API server. {@link #kill()} makes the API unreachable
 * the way a real outage does: open connections are reset and new ones refused.
 */
final class KillableProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  KillableProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("test-proxy-accept").start(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        sockets.add(client);
        sockets.add(upstream);
        Thread.ofVirtual().name("test-proxy-up").start(() -> pipe(client, upstream));
        Thread.ofVirtual().name("test-proxy-down").start(() -> pipe(upstream, client));
      } catch (IOException ignored) {
        // listener closed by kill(): stop accepting
        return;
      }
    }
  }

  private static void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException ignored) {
      // one side closed: the other is closed below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a broken socket: nothing left to do
    }
  }

  /** Resets every open connection and refuses new ones. */
  void kill() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
      } catch (IOException ignored) {
        // already closed: nothing to reset
      }
      closeQuietly(s);
    }
  }

  @Override
  public void close() throws IOException {
    kill();
  }
}
