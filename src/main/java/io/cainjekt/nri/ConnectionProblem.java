// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import io.cainjekt.wire.ttrpc.ConnectionClosedException;
import io.cainjekt.wire.ttrpc.StatusCode;
import io.cainjekt.wire.ttrpc.TtrpcStatusException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Why the stub is not connected to the runtime right now, in the words that /readyz prints and
 * docs/troubleshooting.md's "not ready" table quotes: {@link #reason()} starts with the cause's
 * fixed {@link Cause#phrase() phrase}, followed by the details of this occurrence.
 *
 * @param cause the kind of problem
 * @param detail what happened this time (socket path, the runtime's message)
 */
public record ConnectionProblem(Cause cause, String detail) {

  /** The kinds of problem, each with the phrase that opens its readiness reason. */
  public enum Cause {
    /** The socket file does not exist: NRI is disabled, or containerd is not up. */
    SOCKET_MISSING("NRI socket missing"),
    /**
     * The socket file exists but nothing accepts: containerd leaves its socket behind when it
     * stops, so it is stopped, restarting, or running with NRI disabled since.
     */
    CONNECTION_REFUSED("connection refused"),
    /** Any other error while dialling (permissions, not a socket). */
    CONNECT_FAILED("cannot connect"),
    /** RegisterPlugin was not answered within the registration timeout. */
    REGISTRATION_TIMED_OUT("registration timed out"),
    /** RegisterPlugin was answered with an error status. */
    REGISTRATION_REFUSED("registration refused"),
    /** The runtime ended a connection (EOF or reset): a restart, or a request timeout. */
    RUNTIME_CLOSED("the runtime closed the connection"),
    /** The connection failed on our side (e.g. a protocol error). */
    CONNECTION_LOST("connection lost");

    private final String phrase;

    Cause(String phrase) {
      this.phrase = phrase;
    }

    /** The fixed words that open the reason; docs/troubleshooting.md quotes them. */
    public String phrase() {
      return phrase;
    }
  }

  public ConnectionProblem {
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(detail, "detail");
  }

  /** The readiness reason: the cause's phrase, then the details. */
  public String reason() {
    return cause.phrase() + ": " + detail;
  }

  /** Classifies a failed dial of {@code socket}. */
  static ConnectionProblem ofConnect(Path socket, IOException e) {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return new ConnectionProblem(
          Cause.SOCKET_MISSING,
          socket + " does not exist (NRI disabled in containerd's config, or containerd not up)");
    }
    if (e instanceof ConnectException) {
      return new ConnectionProblem(
          Cause.CONNECTION_REFUSED,
          "nothing accepts on "
              + socket
              + " (a stale socket: containerd stopped or restarting, or NRI disabled since it ran)");
    }
    return new ConnectionProblem(Cause.CONNECT_FAILED, socket + ": " + e.getMessage());
  }

  /** Classifies a failed RegisterPlugin call. */
  static ConnectionProblem ofRegistration(Exception e) {
    if (e instanceof TtrpcStatusException s && s.code() == StatusCode.DEADLINE_EXCEEDED) {
      return new ConnectionProblem(Cause.REGISTRATION_TIMED_OUT, String.valueOf(e.getMessage()));
    }
    if (e instanceof TtrpcStatusException) {
      return new ConnectionProblem(Cause.REGISTRATION_REFUSED, String.valueOf(e.getMessage()));
    }
    return ofSessionEnd((IOException) e);
  }

  /**
   * Classifies the end of a connection that had been made. The runtime's side is an end of stream
   * (a {@link ConnectionClosedException} without a cause, see {@code Mux}) or a reset socket, at
   * any depth of the cause chain.
   */
  static ConnectionProblem ofSessionEnd(IOException cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof SocketException
        || (root instanceof ConnectionClosedException && root.getCause() == null)) {
      return new ConnectionProblem(
          Cause.RUNTIME_CLOSED,
          root.getMessage()
              + " (containerd stopped or restarted, or a request took longer than its"
              + " plugin_request_timeout)");
    }
    return new ConnectionProblem(Cause.CONNECTION_LOST, String.valueOf(cause.getMessage()));
  }
}
