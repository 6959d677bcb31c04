// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

/** Log line encoding on stderr. */
public enum LogFormat {
  /** One human-readable line per event, key=value pairs at the end. */
  TEXT,
  /** One JSON object per line (logback's JsonEncoder). */
  JSON
}
