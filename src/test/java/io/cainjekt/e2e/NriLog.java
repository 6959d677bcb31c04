// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What containerd 1.7's NRI adaptation (NRI 0.6.1) logs at level info about an external plugin,
 * read from {@link Containerd#log()}. The sequence for a good plugin is: {@code plugin
 * "external:NN-name[PID]" registered as "NN-name"} (after RegisterPlugin; PID from the socket's
 * peer credentials), Configure (only failures are logged: "failed to start external plugin"),
 * {@code synchronizing plugin NN-name}, then {@code plugin "NN-name" connected} (also logged after
 * "failed to synchronize plugin", so absence of that failure must be checked). Thread-safe.
 */
public final class NriLog {

  private static final Pattern REGISTERED =
      Pattern.compile("plugin \\\\\"external:([0-9]{2}-[^\\[]+)\\[(\\d+)\\]\\\\\" registered as");

  private final LogFile log;

  public NriLog(LogFile log) {
    this.log = log;
  }

  /** One registration line: the plugin's NRI name ("10-cainjekt") and pid. */
  public record Registration(String name, long pid, String line) {}

  /** Waits for the registration of the plugin process {@code pid} after {@code mark}. */
  public Registration awaitRegistration(long mark, long pid, Duration timeout) {
    String line =
        log.awaitLine(
            mark,
            l -> registration(l) != null && registration(l).pid() == pid,
            "registering external plugin pid " + pid,
            timeout);
    return registration(line);
  }

  /** Waits for "synchronizing plugin NAME" then "plugin "NAME" connected" after {@code mark}. */
  public void awaitSynchronizedAndConnected(long mark, String name, Duration timeout) {
    log.awaitLine(mark, l -> l.contains("synchronizing plugin " + name), "synchronizing", timeout);
    log.awaitLine(
        mark,
        l -> l.contains("plugin \\\"" + name + "\\\" connected"),
        "plugin " + name + " connected",
        timeout);
  }

  /**
   * Lines after {@code mark} that say containerd failed or dropped plugin {@code name}: failed to
   * start (Configure) or synchronize, closing it after a failed or timed-out request, or its
   * connection closed.
   */
  public List<String> troubleSince(long mark, String name) {
    return log.linesSince(mark).stream()
        .filter(
            l ->
                l.contains("failed to start external plugin")
                    || l.contains("failed to synchronize plugin")
                    || l.contains("closing plugin " + name)
                    || l.contains("connection to plugin \\\"" + name + "\\\" closed"))
        .toList();
  }

  private static Registration registration(String line) {
    Matcher m = REGISTERED.matcher(line);
    return m.find() ? new Registration(m.group(1), Long.parseLong(m.group(2)), line) : null;
  }
}
