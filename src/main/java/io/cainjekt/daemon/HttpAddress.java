// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

/**
 * Where the metrics and health server listens.
 *
 * @param host host or address; empty means all interfaces
 * @param port TCP port, 0 for any free port
 */
public record HttpAddress(String host, int port) {

  public HttpAddress {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0-65535");
    }
  }

  /**
   * Parses {@code HOST:PORT}, {@code :PORT} or {@code [IPv6]:PORT}.
   *
   * @throws IllegalArgumentException with the reason
   */
  public static HttpAddress parse(String spec) {
    int colon = spec.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("'" + spec + "' is not HOST:PORT (e.g. :9443)");
    }
    String host = spec.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("'" + spec + "': put an IPv6 address in brackets");
    }
    int port;
    try {
      port = Integer.parseInt(spec.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + spec + "' has no numeric port", e);
    }
    return new HttpAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
