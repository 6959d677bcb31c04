// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.cainjekt.e2e.tls.Pki.Ca;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * One HTTPS server per {@link Ca} on 127.0.0.1 (ephemeral ports), each presenting that CA's leaf
 * (and intermediate, for {@link Ca#CORP_ISSUING}); every path answers 200 "ok". A client inside a
 * container with host networking, or in a chroot, reaches them at {@link #url(Ca)}. Thread-safe.
 */
public final class TlsServers implements AutoCloseable {

  private static final char[] KEY_PASSWORD = "test-only".toCharArray();
  private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);

  private final Map<Ca, HttpsServer> servers;
  private final ExecutorService executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TlsServers(Map<Ca, HttpsServer> servers, ExecutorService executor) {
    this.servers = servers;
    this.executor = executor;
  }

  /** Starts a server for every {@link Ca}. */
  public static TlsServers start() {
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("tls-server-", 0).factory());
    Map<Ca, HttpsServer> servers = new EnumMap<>(Ca.class);
    try {
      for (Ca ca : Ca.values()) {
        servers.put(ca, startOne(ca, executor));
      }
    } catch (RuntimeException e) {
      servers.values().forEach(server -> server.stop(0));
      executor.close();
      throw e;
    }
    return new TlsServers(servers, executor);
  }

  /** {@code https://127.0.0.1:<port>/} of the server whose leaf {@code ca} issued. */
  public URI url(Ca ca) {
    return URI.create("https://127.0.0.1:" + servers.get(ca).getAddress().getPort() + "/");
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      servers.values().forEach(server -> server.stop(0));
      executor.close();
    }
  }

  private static HttpsServer startOne(Ca ca, ExecutorService executor) {
    try {
      HttpsServer server =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      server.setHttpsConfigurator(new HttpsConfigurator(sslContext(ca)));
      server.setExecutor(executor);
      server.createContext("/", TlsServers::answer);
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("start tls server for " + ca, e);
    }
  }

  private static SSLContext sslContext(Ca ca) {
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      Certificate[] chain = Pki.certificates(Pki.leafChain(ca)).toArray(Certificate[]::new);
      keyStore.setKeyEntry("leaf", Pki.privateKey(Pki.leafKey(ca)), KEY_PASSWORD, chain);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore, KEY_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("tls context for " + ca, e);
    }
  }

  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, BODY.length);
      exchange.getResponseBody().write(BODY);
    }
  }
}
