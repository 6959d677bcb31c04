// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A configured CA bundle over one of its {@link BundleLimits}. The message names the bundle, the
 * file that brought it over, the amount and the limit.
 */
public final class OversizedBundleException extends TrustBundleException {
  private static final long serialVersionUID = 1L;

  /** Which limit was exceeded. */
  public enum Measure {
    /** {@link BundleLimits#maxCertificates()}. */
    CERTIFICATES,
    /** {@link BundleLimits#maxBytes()}. */
    BYTES;

    /** The unit in messages: {@code certificates} or {@code bytes}. */
    String unit() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Measure measure;

  /**
   * Creates the exception.
   *
   * @param bundle the bundle's name
   * @param file the file whose content brought the bundle over the limit
   * @param measure which limit
   * @param amount how many certificates or bytes the bundle holds up to and with {@code file}
   * @param limit the limit that {@code amount} exceeds
   */
  public OversizedBundleException(
      String bundle, Path file, Measure measure, long amount, long limit) {
    super(
        "refuse bundle "
            + bundle
            + " from "
            + file
            + ": "
            + amount
            + " "
            + measure.unit()
            + ", over the limit of "
            + limit
            + " "
            + measure.unit());
    this.measure = measure;
  }

  /** Which limit was exceeded. */
  public Measure measure() {
    return measure;
  }
}
