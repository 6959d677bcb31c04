// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

/** What one client concluded about a server certificate. */
public enum Verdict {
  /** The handshake succeeded with verification on. */
  TRUSTED,
  /** The client rejected the server certificate (unknown issuer, bad chain, ...). */
  UNTRUSTED,
  /** Anything else: client missing, connection failed, unreadable CA file. */
  ERROR
}
