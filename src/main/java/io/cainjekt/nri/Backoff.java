// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.time.Duration;
import java.util.Objects;

/**
 * Capped exponential backoff: {@code initial}, doubling per attempt, never above {@code max}.
 *
 * @param initial delay before the first retry
 * @param max the cap
 */
public record Backoff(Duration initial, Duration max) {

  /** 0.5 s doubling to 10 s. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max");
    }
  }

  /** Delay before retry number {@code attempt} (0-based). */
  public Duration delay(int attempt) {
    Duration d = initial;
    for (int i = 0; i < attempt && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
