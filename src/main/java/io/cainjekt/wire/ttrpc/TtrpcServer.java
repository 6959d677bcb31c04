// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The service/method table of the server side of a connection. Immutable and thread-safe; calls to
 * a service or method not in the table are answered with {@link StatusCode#UNIMPLEMENTED}.
 */
public final class TtrpcServer {

  /** One unary method: request payload in, response payload out. */
  @FunctionalInterface
  public interface Method {
    /**
     * Handles one call. Throw {@link TtrpcStatusException} to choose the status; any other
     * exception becomes {@link StatusCode#UNKNOWN} with its message.
     */
    byte[] invoke(RequestContext context, byte[] payload) throws Exception;
  }

  private static final TtrpcServer EMPTY = new TtrpcServer(Map.of());

  private final Map<String, Method> methods;

  private TtrpcServer(Map<String, Method> methods) {
    this.methods = Map.copyOf(methods);
  }

  /** A server without methods: the pure client side of a connection. */
  public static TtrpcServer empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder();
  }

  Optional<Method> lookup(String service, String method) {
    return Optional.ofNullable(methods.get(service + "/" + method));
  }

  /** Collects methods; not thread-safe. */
  public static final class Builder {
    private final Map<String, Method> methods = new HashMap<>();

    private Builder() {}

    /** Registers {@code service/method}; registering the same pair twice is a bug. */
    public Builder method(String service, String method, Method handler) {
      if (methods.putIfAbsent(service + "/" + method, handler) != null) {
        throw new IllegalArgumentException(service + "/" + method + " is registered twice");
      }
      return this;
    }

    public TtrpcServer build() {
      return new TtrpcServer(methods);
    }
  }
}
