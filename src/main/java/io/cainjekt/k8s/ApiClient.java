// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin's whole use of the Kubernetes API over the JDK {@link HttpClient}: a bounded GET, a
 * POST, and a watch over a WebSocket. The plugin needs three calls (list and watch namespaces,
 * create Events), so it carries no generated model and no object mapper: a general client cost the
 * daemon about 35 MiB of classes (docs/performance.md).
 *
 * <p>Every request carries the current bearer token of {@link ApiConfig}, re-read when the kubelet
 * rotates it. A request that cannot reach the server is counted as {@link
 * ApiFailures.Kind#CONNECTION}; the first such failure logs one WARN line and the next answer one
 * INFO line. An answer other than 2xx is a {@link StatusException}. Thread-safe.
 */
public final class ApiClient implements AutoCloseable {

  /** An API answer other than 2xx. The message has the status and the server's reason. */
  public static final class StatusException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    StatusException(String what, int status, String reason) {
      super(what + ": HTTP " + status + (reason.isEmpty() ? "" : " (" + reason + ")"));
      this.status = status;
    }

    /** The HTTP status code. */
    public int status() {
      return status;
    }
  }

  /** A response body larger than this is refused (a page of namespaces is far smaller). */
  static final int MAX_BODY_BYTES = 16 << 20;

  /** Characters of an error body kept for the exception message. */
  private static final int MAX_REASON_CHARS = 300;

  private static final Logger log = LoggerFactory.getLogger(ApiClient.class);

  private final ApiConfig config;
  private final Duration timeout;
  private final ApiFailures failures;
  private final HttpClient http;
  private final AtomicBoolean unreachable = new AtomicBoolean();

  /**
   * A client of the server in {@code config}; {@code timeout} bounds connecting and each request
   * until its answer starts, so a hung API server only ever delays background threads.
   */
  public ApiClient(ApiConfig config, Duration timeout, ApiFailures failures) {
    this.config = Objects.requireNonNull(config, "config");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.failures = Objects.requireNonNull(failures, "failures");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .sslContext(config.tls())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The API server's address. */
  public URI server() {
    return config.server();
  }

  /** GETs {@code path} (with its query) and returns the body, at most {@link #MAX_BODY_BYTES}. */
  byte[] get(String path) throws IOException, InterruptedException {
    HttpResponse<InputStream> response = send(request(path).GET().build());
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new IOException("GET " + path + ": answer over " + MAX_BODY_BYTES + " bytes");
      }
      return bytes;
    }
  }

  /** POSTs the JSON document {@code json} to {@code path}; the answer's body is discarded. */
  void post(String path, byte[] json) throws IOException, InterruptedException {
    HttpRequest request =
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
            .build();
    send(request).body().close();
  }

  /**
   * Opens a watch on {@code path} (with its query, {@code watch=true} included): every event
   * reaches {@code listener} as one text message. Waits at most the timeout for the handshake.
   */
  WebSocket watch(String path, WebSocket.Listener listener)
      throws IOException, InterruptedException {
    URI ws = URI.create(uri(path).toString().replaceFirst("^http", "ws"));
    WebSocket.Builder builder = this.http.newWebSocketBuilder().connectTimeout(timeout);
    bearer().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
    CompletableFuture<WebSocket> opening = builder.buildAsync(ws, listener);
    try {
      WebSocket socket = opening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      reachable();
      return socket;
    } catch (TimeoutException e) {
      opening.cancel(true);
      throw failedToConnect("watch " + path, new IOException("no handshake within " + timeout));
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof WebSocketHandshakeException h) {
        reachable();
        throw new StatusException("watch " + path, h.getResponse().statusCode(), "");
      }
      throw failedToConnect(
          "watch " + path, cause instanceof IOException io ? io : new IOException(cause));
    }
  }

  @Override
  public void close() {
    http.shutdownNow();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("User-Agent", "cainjekt");
    bearer().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
    return builder;
  }

  /** {@code path} below the server's address, which may carry a path prefix of a proxy. */
  private URI uri(String path) {
    String server = config.server().toString();
    return URI.create(
        (server.endsWith("/") ? server.substring(0, server.length() - 1) : server) + path);
  }

  private Optional<String> bearer() {
    return config.bearerToken().get();
  }

  private HttpResponse<InputStream> send(HttpRequest request)
      throws IOException, InterruptedException {
    String what = request.method() + " " + request.uri().getRawPath();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw failedToConnect(what, e);
    }
    reachable();
    if (response.statusCode() / 100 != 2) {
      String reason;
      try (InputStream body = response.body()) {
        reason = new String(body.readNBytes(MAX_REASON_CHARS), StandardCharsets.UTF_8);
      }
      throw new StatusException(what, response.statusCode(), reason.strip());
    }
    return response;
  }

  private IOException failedToConnect(String what, IOException cause) {
    failures.count(ApiFailures.Kind.CONNECTION, cause);
    if (unreachable.compareAndSet(false, true)) {
      log.atWarn()
          .setMessage("kubernetes: api unreachable; answering from the cache")
          .addKeyValue("api", config.server())
          .addKeyValue("request", what)
          .setCause(cause)
          .log();
    }
    return cause;
  }

  private void reachable() {
    if (unreachable.compareAndSet(true, false)) {
      log.atInfo().setMessage("kubernetes: api reachable again").log();
    }
  }
}
