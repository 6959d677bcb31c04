// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations HTTP endpoint (docs/architecture.md, "Operations"), one virtual thread per
 * request:
 *
 * <ul>
 *   <li>{@code /metrics}: the registry of {@link Metrics}, Prometheus text or OpenMetrics by the
 *       {@code Accept} header;
 *   <li>{@code /healthz}: 200 while the process serves requests;
 *   <li>{@code /readyz}: 200 when every {@link Readiness} condition holds, else 503 with one line
 *       per failing condition;
 *   <li>{@code /containers}: JSON list of injected containers; {@code ?id=PREFIX} filters.
 * </ul>
 *
 * Only GET and HEAD are served. Thread-safe.
 */
public final class HealthServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";

  private final Metrics metrics;
  private final Readiness readiness;
  private final Supplier<List<ContainerReport>> containers;
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final ExecutorService executor;
  private final HttpServer server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private HealthServer(
      HttpServer server,
      Metrics metrics,
      Readiness readiness,
      Supplier<List<ContainerReport>> containers) {
    this.server = server;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    this.containers = Objects.requireNonNull(containers, "containers");
    this.executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
    server.setExecutor(executor);
    server.createContext("/metrics", guarded(this::metrics));
    server.createContext("/healthz", guarded(this::healthz));
    server.createContext("/readyz", guarded(this::readyz));
    server.createContext("/containers", guarded(this::containers));
    server.createContext("/", guarded(this::notFound));
  }

  /** Binds {@code address} and starts serving; port 0 picks a free port (see {@link #port()}). */
  public static HealthServer start(
      HttpAddress address,
      Metrics metrics,
      Readiness readiness,
      Supplier<List<ContainerReport>> containers)
      throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(address.bindAddress(), 0);
    } catch (IOException e) {
      throw new IOException(
          "listen on http address " + address.host() + ":" + address.port() + ": " + e.getMessage(),
          e);
    }
    HealthServer health = new HealthServer(server, metrics, readiness, containers);
    server.start();
    log.atInfo()
        .setMessage("http: serving metrics and health")
        .addKeyValue("address", server.getAddress())
        .log();
    return health;
  }

  /** The bound address (useful after binding port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Boundary: a failing handler (e.g. a throwing supplier) answers 500 and is logged once. */
  private static HttpHandler guarded(HttpHandler handler) {
    return exchange -> {
      try {
        handler.handle(exchange);
      } catch (Exception e) {
        log.atWarn()
            .setMessage("http: request failed")
            .addKeyValue("path", exchange.getRequestURI().getPath())
            .setCause(e)
            .log();
        send(exchange, 500, TEXT, "internal error\n".getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (rejectMethod(exchange)) {
      return;
    }
    ExpositionFormatWriter writer =
        formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    writer.write(body, metrics.registry().scrape());
    send(exchange, 200, writer.getContentType(), body.toByteArray());
  }

  private void healthz(HttpExchange exchange) throws IOException {
    if (!rejectMethod(exchange)) {
      send(exchange, 200, TEXT, "ok\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  private void readyz(HttpExchange exchange) throws IOException {
    if (rejectMethod(exchange)) {
      return;
    }
    Readiness.Status status = readiness.status();
    String body =
        status.ready() ? "ok\n" : "not ready\n" + String.join("\n", status.failing()) + "\n";
    send(exchange, status.ready() ? 200 : 503, TEXT, body.getBytes(StandardCharsets.UTF_8));
  }

  private void containers(HttpExchange exchange) throws IOException {
    if (rejectMethod(exchange)) {
      return;
    }
    String prefix = queryParameter(exchange.getRequestURI(), "id");
    List<ContainerReport> all = containers.get();
    List<ContainerReport> selected =
        prefix.isEmpty() ? all : all.stream().filter(c -> c.id().startsWith(prefix)).toList();
    send(exchange, 200, "application/json", ContainerReportCodec.encode(selected));
  }

  private void notFound(HttpExchange exchange) throws IOException {
    String body = "not found; try /metrics, /healthz, /readyz, /containers\n";
    send(exchange, 404, TEXT, body.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean rejectMethod(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return false;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    send(exchange, 405, TEXT, "method not allowed\n".getBytes(StandardCharsets.UTF_8));
    return true;
  }

  static String queryParameter(URI uri, String name) {
    String query = uri.getQuery();
    if (query == null) {
      return "";
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return pair.substring(eq + 1);
      }
    }
    return "";
  }

  private static void send(HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", type);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(code, head ? -1 : body.length == 0 ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** Stops accepting, lets running requests finish for up to a second. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(1);
      executor.close();
    }
  }
}
