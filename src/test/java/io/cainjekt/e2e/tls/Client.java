// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** A TLS client that tls-check drives inside an image; {@link #id()} is its name in the output. */
public enum Client {
  CURL("curl"),
  OPENSSL("openssl"),
  PYTHON_REQUESTS("python-requests"),
  PYTHON_URLLIB("python-urllib"),
  NODE("node"),
  JAVA("java");

  /** The clients that read only the OS trust store by default (no runtime store of their own). */
  public static final Set<Client> OS_LEVEL = EnumSet.of(CURL, OPENSSL, PYTHON_URLLIB);

  private final String id;

  Client(String id) {
    this.id = id;
  }

  /** The name tls-check prints and accepts after {@code --only}. */
  public String id() {
    return id;
  }

  /** The client named {@code id} in tls-check output. */
  public static Client fromId(String id) {
    return Arrays.stream(values())
        .filter(client -> client.id.equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown tls-check client: " + id));
  }
}
