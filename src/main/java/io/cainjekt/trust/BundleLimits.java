// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

/**
 * How big a configured CA bundle may be. A bundle over either limit is refused like a broken one
 * ({@link OversizedBundleException}): at start-up nothing loads, on reload the last good bundle
 * stays. The byte limit is checked from the files' sizes before anything is read and bounds the
 * parse; the certificate limit bounds what every injected container gets. Immutable.
 *
 * @param maxCertificates distinct certificates (DER deduplicated) a bundle may hold, at least 1
 * @param maxBytes bytes a bundle's files may hold together, 1 to {@link #MAX_BYTES_CEILING}
 */
public record BundleLimits(int maxCertificates, long maxBytes) {

  /** Default of {@link #maxCertificates}. */
  public static final int DEFAULT_MAX_CERTIFICATES = 5000;

  /** Default of {@link #maxBytes}: 8 MiB. */
  public static final long DEFAULT_MAX_BYTES = 8L << 20;

  /** The largest {@link #maxBytes} accepted: 1 GiB (a bundle is read into one array). */
  public static final long MAX_BYTES_CEILING = 1L << 30;

  /** The defaults. */
  public static final BundleLimits DEFAULT =
      new BundleLimits(DEFAULT_MAX_CERTIFICATES, DEFAULT_MAX_BYTES);

  /** Checks the limits. */
  public BundleLimits {
    if (maxCertificates < 1) {
      throw new IllegalArgumentException(
          "maxCertificates must be at least 1, got " + maxCertificates);
    }
    if (maxBytes < 1 || maxBytes > MAX_BYTES_CEILING) {
      throw new IllegalArgumentException(
          "maxBytes must be 1 to " + MAX_BYTES_CEILING + ", got " + maxBytes);
    }
  }
}
