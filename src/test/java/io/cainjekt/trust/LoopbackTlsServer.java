// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** A TLS server on 127.0.0.1 presenting {@code leaf} (chain leaf, issuer) that answers "ok". */
final class LoopbackTlsServer implements AutoCloseable {

  private final SSLServerSocket server;
  private final Thread acceptor;

  LoopbackTlsServer(TestPki.Issued leaf, TestPki.Issued issuer)
      throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(leaf.keyManagers(issuer), null, null);
    server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 16, InetAddress.getLoopbackAddress());
    acceptor = Thread.ofPlatform().name("test-tls-acceptor").daemon(true).start(this::serve);
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (SSLSocket socket = (SSLSocket) server.accept()) {
        socket.startHandshake();
        OutputStream out = socket.getOutputStream();
        out.write("ok\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (SocketException e) {
        return; // closed
      } catch (IOException ignored) {
        // a client that rejects our certificate aborts the handshake: expected in negative checks
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
