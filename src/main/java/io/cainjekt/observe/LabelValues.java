// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one free-text label (distro, runtime, skip reason, bundle name) bounded: values are
 * lower-cased, reduced to {@code [a-z0-9_.-]}, cut to {@value #MAX_LENGTH} characters, and once
 * {@code maxValues} distinct values were seen every new one becomes {@value #OVERFLOW}. An image
 * can put anything into {@code /etc/os-release}; it must not be able to grow the registry. Never
 * pass container or pod ids here. Thread-safe.
 */
final class LabelValues {

  static final int MAX_LENGTH = 40;
  static final String OVERFLOW = "other";
  static final String EMPTY = "unknown";

  private final int maxValues;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  LabelValues(int maxValues) {
    if (maxValues < 1) {
      throw new IllegalArgumentException("maxValues must be positive, got " + maxValues);
    }
    this.maxValues = maxValues;
  }

  /** The label value to record for {@code raw}. */
  String bound(String raw) {
    String clean = sanitize(raw);
    if (seen.contains(clean)) {
      return clean;
    }
    synchronized (seen) {
      if (seen.size() >= maxValues) {
        return OVERFLOW;
      }
      seen.add(clean);
      return clean;
    }
  }

  static String sanitize(String raw) {
    if (raw == null || raw.isBlank()) {
      return EMPTY;
    }
    StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_LENGTH));
    for (char c : raw.strip().toLowerCase(Locale.ROOT).toCharArray()) {
      if (out.length() == MAX_LENGTH) {
        break;
      }
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
      out.append(ok ? c : '_');
    }
    return out.toString();
  }
}
