// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged plugin ({@code target/cainjekt.jar}, system property {@code cainjekt.jar} set by
 * failsafe) running as its own process like in production, started by {@link PluginLaunch}. Its
 * stdout and stderr go to one log file. Thread-safe.
 */
public final class PluginProcess implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final LogFile log;
  private final List<String> command;
  private final int httpPort;

  private PluginProcess(Process process, LogFile log, List<String> command, int httpPort) {
    this.process = process;
    this.log = log;
    this.command = command;
    this.httpPort = httpPort;
  }

  /**
   * Runs {@code java @bin/jvm.options -jar cainjekt.jar run [runArgs]}, output to {@code logFile}
   * (truncated); {@link PluginLaunch} makes the arguments.
   */
  static PluginProcess start(Path java, List<String> runArgs, Path logFile, int httpPort) {
    Path jar = jar();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("plugin jar " + jar + " missing: run mvn package first");
    }
    // the production JVM options (bin/jvm.options), so tests see the plugin's real footprint
    Path options =
        Path.of(System.getProperty("cainjekt.basedir", "."), "bin/jvm.options").toAbsolutePath();
    List<String> command =
        new ArrayList<>(List.of(java.toString(), "@" + options, "-jar", jar.toString(), "run"));
    command.addAll(runArgs);
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Process p = Shell.start(command, logFile);
      return new PluginProcess(p, new LogFile(logFile), List.copyOf(command), httpPort);
    } catch (IOException e) {
      throw new UncheckedIOException("start " + command, e);
    }
  }

  /** The jar failsafe points {@code cainjekt.jar} at (target/cainjekt.jar). */
  public static Path jar() {
    String jar = System.getProperty("cainjekt.jar");
    if (jar == null) {
      throw new IllegalStateException("system property cainjekt.jar is not set (run via failsafe)");
    }
    return Path.of(jar);
  }

  /** The loopback port of its metrics and health server. */
  public int httpPort() {
    return httpPort;
  }

  /** The plugin's combined stdout/stderr. */
  public LogFile log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The command line it was started with. */
  public List<String> command() {
    return command;
  }

  /**
   * Waits for a log line containing {@code fragment} written after {@code mark}; fails early with
   * the log tail when the process exits first.
   */
  public String awaitLine(long mark, String fragment, Duration timeout) {
    return log.awaitLine(
        mark,
        line -> {
          if (line.contains(fragment)) {
            return true;
          }
          if (!process.isAlive()) {
            throw new AssertionError(
                "plugin exited ("
                    + process.exitValue()
                    + ") before logging \""
                    + fragment
                    + "\": "
                    + log.lines());
          }
          return false;
        },
        "containing \"" + fragment + "\"",
        timeout);
  }

  /** SIGTERM, then SIGKILL after a grace period; returns the exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
