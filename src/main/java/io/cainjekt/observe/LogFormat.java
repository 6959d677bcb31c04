// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.util.Locale;

/** The {@code --log-format} values of docs/architecture.md, "Command line". */
public enum LogFormat {
  /** One human-readable line per event: time, level, logger, message, key=value pairs. */
  TEXT,
  /** One flat JSON object per line: time, level, logger, msg, then every key-value. */
  JSON;

  /**
   * Parses a flag value ({@code text} or {@code json}, any case); the message names the choices.
   */
  public static LogFormat parse(String value) {
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("log format '" + value + "' is not one of text, json", e);
    }
  }
}
