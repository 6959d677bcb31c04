// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A log file another process appends to (containerd's log, the plugin's output). Positions are byte
 * offsets: take a {@link #mark()} before an action, then read or await the lines written after it.
 * Thread-safe (stateless apart from the path).
 */
public final class LogFile {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

  private final Path path;

  public LogFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /** Current end of the file (0 when it does not exist yet). */
  public long mark() {
    try {
      return Files.exists(path) ? Files.size(path) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException("size of " + path, e);
    }
  }

  /** Complete lines written since {@code mark}. */
  public List<String> linesSince(long mark) {
    if (!Files.exists(path)) {
      return List.of();
    }
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
      long length = f.length();
      if (length <= mark) {
        return List.of();
      }
      byte[] bytes = new byte[Math.toIntExact(length - mark)];
      f.seek(mark);
      f.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      int lastNewline = text.lastIndexOf('\n');
      return lastNewline < 0 ? List.of() : text.substring(0, lastNewline).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("read " + path, e);
    }
  }

  /** All complete lines. */
  public List<String> lines() {
    return linesSince(0);
  }

  /**
   * Waits until a line written after {@code mark} matches, polling the file; returns that line.
   *
   * @throws AssertionError naming {@code what} and the file when {@code timeout} passes first
   */
  public String awaitLine(long mark, Predicate<String> matches, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<String> hit = linesSince(mark).stream().filter(matches).findFirst();
      if (hit.isPresent()) {
        return hit.get();
      }
      if (System.nanoTime() > deadline) {
        List<String> tail = linesSince(mark);
        throw new AssertionError(
            "no line %s in %s within %s; last lines: %s"
                .formatted(
                    what, path, timeout, tail.subList(Math.max(0, tail.size() - 15), tail.size())));
      }
      LockSupport.parkNanos(POLL_INTERVAL.toNanos());
    }
  }

  /** {@link #awaitLine} for a line containing {@code fragment}. */
  public String awaitLineContaining(long mark, String fragment, Duration timeout) {
    return awaitLine(mark, l -> l.contains(fragment), "containing \"" + fragment + "\"", timeout);
  }
}
