// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.LogFile;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts and reads the plugin's own log lines, in either of its formats: text ({@code 2026-...Z
 * INFO Logger msg key="value"}) or JSON lines ({@code {"time":..,"msg":..,"key":..}}). Thread-safe
 * (stateless).
 */
final class PluginLog {

  private static final Pattern NOT_FAILED = Pattern.compile("\"?failed\"?[=:]\"?false\\b");
  private static final Pattern MILLIS = Pattern.compile("\"?ms\"?[=:]\"?([0-9.]+)");
  private static final Pattern REPLAYED = Pattern.compile("\"?plan\"?[=:]\"replayed\"");
  private static final Pattern POD = Pattern.compile("(?:^|[\\s{,])\"?pod\"?[=:]\"([^\"]*)\"");
  private static final Pattern TIME =
      Pattern.compile("^(?:\\{\"time\":\")?(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z)");

  private PluginLog() {}

  /** Lines whose message is {@code msg} (e.g. "inject: injected"). */
  static long count(List<String> lines, String msg) {
    return lines.stream().filter(l -> hasMessage(l, msg)).count();
  }

  /** "inject: injected" lines that report no failed processor. */
  static long injectedWithoutFailure(List<String> lines) {
    return lines.stream()
        .filter(l -> hasMessage(l, "inject: injected") && NOT_FAILED.matcher(l).find())
        .count();
  }

  /**
   * The lines written after {@code mark} once {@code expected} "inject: injected" lines are among
   * them, or when {@code timeout} has passed: the plugin's logging thread writes a line a moment
   * after the answer it belongs to.
   */
  static List<String> settled(LogFile log, long mark, long expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lines = log.linesSince(mark);
    while (count(lines, "inject: injected") < expected && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      lines = log.linesSince(mark);
    }
    return lines;
  }

  /** The handling times ({@code ms}) of the "inject: injected" lines, in order. */
  static List<Double> injectedMillis(List<String> lines) {
    return lines.stream()
        .filter(l -> hasMessage(l, "inject: injected"))
        .map(MILLIS::matcher)
        .filter(Matcher::find)
        .map(m -> Double.parseDouble(m.group(1)))
        .toList();
  }

  /** "inject: injected" lines that replayed their image's plan. */
  static long replayed(List<String> lines) {
    return lines.stream()
        .filter(l -> hasMessage(l, "inject: injected") && REPLAYED.matcher(l).find())
        .count();
  }

  /** The time stamp of a line. */
  static Instant time(String line) {
    Matcher m = TIME.matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("no time stamp at the start of log line " + line);
    }
    return Instant.parse(m.group(1));
  }

  /** The lines whose {@code pod} key is {@code pod}. */
  static List<String> ofPod(List<String> lines, String pod) {
    return lines.stream()
        .filter(
            l -> {
              Matcher m = POD.matcher(l);
              return m.find() && m.group(1).equals(pod);
            })
        .toList();
  }

  /** The time of the first line whose message is {@code msg}, if there is one. */
  static Optional<Instant> firstTime(List<String> lines, String msg) {
    return lines.stream().filter(l -> hasMessage(l, msg)).findFirst().map(PluginLog::time);
  }

  /**
   * The time of each pod's first line whose message is {@code msg} (e.g. "inject: rotated"), by the
   * line's {@code pod} key, in log order.
   */
  static Map<String, Instant> timesByPod(List<String> lines, String msg) {
    Map<String, Instant> times = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher pod = POD.matcher(line);
      if (hasMessage(line, msg) && pod.find()) {
        times.putIfAbsent(pod.group(1), time(line));
      }
    }
    return times;
  }

  /**
   * The lines written after {@code mark} once every one of {@code pods} has a line whose message is
   * {@code msg}, or when {@code timeout} has passed (the caller counts what arrived).
   */
  static List<String> awaitPods(
      LogFile log, long mark, String msg, Set<String> pods, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lines = log.linesSince(mark);
    while (!timesByPod(lines, msg).keySet().containsAll(pods) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      lines = log.linesSince(mark);
    }
    return lines;
  }

  private static boolean hasMessage(String line, String msg) {
    return line.contains("\"msg\":\"" + msg + "\"")
        || line.contains(" " + msg + " ")
        || line.endsWith(" " + msg);
  }
}
