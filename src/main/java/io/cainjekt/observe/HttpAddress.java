// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.net.InetSocketAddress;

/**
 * A {@code --http-address} value, {@code HOST:PORT}, {@code :PORT} (all interfaces) or {@code
 * [IPV6]:PORT} (docs/architecture.md, "Command line", default {@code :9443}).
 *
 * @param host host name or literal address; empty means all interfaces
 * @param port 0..65535; 0 asks the kernel for a free port
 */
public record HttpAddress(String host, int port) {

  /** The default of docs/architecture.md, "Command line". */
  public static final String DEFAULT = ":9443";

  /** Validates. */
  public HttpAddress {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
  }

  /** Parses {@code text}; the message of the exception says what is wrong. */
  public static HttpAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "http address '" + text + "' must be HOST:PORT or :PORT, e.g. 127.0.0.1:9443");
    }
    String host = text.substring(0, colon);
    if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
      throw new IllegalArgumentException(
          "http address '" + text + "': write an IPv6 host in brackets, e.g. [::1]:9443");
    }
    String port = text.substring(colon + 1);
    try {
      return new HttpAddress(host, Integer.parseInt(port));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "http address '" + text + "': port '" + port + "' is not a number", e);
    }
  }

  /** The address to bind a server to; an empty host binds every interface. */
  public InetSocketAddress bindAddress() {
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** The base URL a local client uses; an empty or wildcard host means this machine's loopback. */
  public String clientBaseUrl() {
    String h = host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1" : host;
    if (h.equals("::")) {
      h = "::1";
    }
    return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
  }
}
