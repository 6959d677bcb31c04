// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

/** The root log level. */
public enum LogLevel {
  TRACE,
  DEBUG,
  INFO,
  WARN,
  ERROR
}
