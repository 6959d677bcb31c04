// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import java.util.Objects;

/** One line of tls-check output: the client, its verdict and its free-text detail. */
public record ClientResult(Client client, Verdict verdict, String detail) {
  public ClientResult {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(detail, "detail");
  }
}
