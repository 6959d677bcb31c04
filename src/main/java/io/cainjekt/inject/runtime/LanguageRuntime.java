// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.runtime;

import java.util.List;

/**
 * A language runtime we detect for status.json, as data.
 *
 * @param id public processor id, e.g. {@code runtime-node}
 * @param name runtime name in status.json, e.g. "node"
 * @param binaries executable names looked up on the container's PATH
 * @param extraPaths executables outside PATH that also count (e.g. /usr/local/go/bin/go)
 * @param coverage how the runtime picks up the CAs, for the report
 */
public record LanguageRuntime(
    String id, String name, List<String> binaries, List<String> extraPaths, String coverage) {

  /** Runtimes other than Java (which has its own processor). */
  public static final List<LanguageRuntime> TABLE =
      List.of(
          new LanguageRuntime(
              "runtime-node",
              "node",
              List.of("node", "nodejs"),
              List.of(),
              "reads the injected CAs from NODE_EXTRA_CA_CERTS (additive)"),
          new LanguageRuntime(
              "runtime-python",
              "python",
              List.of("python3", "python"),
              List.of(),
              "ssl reads SSL_CERT_FILE, requests and pip read REQUESTS_CA_BUNDLE"),
          new LanguageRuntime(
              "runtime-go",
              "go",
              List.of("go"),
              List.of("/usr/local/go/bin/go", "/usr/lib/go/bin/go"),
              "crypto/x509 reads SSL_CERT_FILE and the OS bundle"),
          new LanguageRuntime(
              "runtime-ruby",
              "ruby",
              List.of("ruby"),
              List.of(),
              "OpenSSL reads SSL_CERT_FILE and the OS bundle"));

  public LanguageRuntime {
    binaries = List.copyOf(binaries);
    extraPaths = List.copyOf(extraPaths);
  }
}
