// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The JVM's result file {@code target/e2e/compat/containerd-<release>.tsv}: {@link #begin} (by the
 * shared containerd at start) truncates it and writes the runtime's version line, {@link #append}
 * adds one {@link CompatRecord} per asserted verdict. {@link CompatibilityTable} reads all of them.
 * Thread-safe.
 */
public final class CompatResults {

  /** Prefix of the header line that carries {@code containerd --version}. */
  static final String RUNTIME_HEADER = "# runtime\t";

  private static Path current;
  private static String currentRelease;

  private CompatResults() {}

  /** The directory of the result files under the repository root {@code basedir}. */
  public static Path directory(Path basedir) {
    return basedir.resolve("target/e2e/compat");
  }

  /** Starts this JVM's result file for {@code release}, reporting {@code versionLine}. */
  public static synchronized void begin(Path basedir, String release, String versionLine) {
    Path file = directory(basedir).resolve("containerd-" + release + ".tsv");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, RUNTIME_HEADER + release + "\t" + versionLine + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("start compat results " + file, e);
    }
    current = file;
    currentRelease = release;
  }

  /** The release {@link #begin} named (the first field of every record of this JVM). */
  public static synchronized String release() {
    if (currentRelease == null) {
      throw new IllegalStateException("compat results not started: no shared containerd");
    }
    return currentRelease;
  }

  /** Appends {@code record}; the shared containerd must have called {@link #begin} first. */
  public static synchronized void append(CompatRecord record) {
    if (current == null) {
      throw new IllegalStateException("compat results not started: no shared containerd");
    }
    try {
      Files.writeString(
          current, record.toLine() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("append compat result to " + current, e);
    }
  }
}
