// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The packaged plugin ({@code target/cainjekt.jar}, system property {@code cainjekt.jar} set by
 * failsafe) run as its own process like in production: {@code java -jar cainjekt.jar run
 * --nri-socket SOCKET [args]}. Its stdout and stderr go to one log file under target/. Thread-safe.
 */
public final class PluginProcess implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final LogFile log;
  private final List<String> command;

  private PluginProcess(Process process, LogFile log, List<String> command) {
    this.process = process;
    this.log = log;
    this.command = command;
  }

  /**
   * System property naming the {@code java} that runs the plugin, e.g. the image's jlink'd runtime
   * ({@code -Dcainjekt.plugin.java=target/jre/bin/java}); default: the JVM running the tests.
   */
  public static final String JAVA_PROPERTY = "cainjekt.plugin.java";

  /**
   * Starts the plugin against {@code nriSocket}; output goes to {@code logFile} (truncated).
   *
   * @param extraArgs further {@code run} options, e.g. {@code --log-level debug}
   */
  public static PluginProcess start(Path nriSocket, Path logFile, String... extraArgs) {
    return start(defaultJava(), nriSocket, logFile, extraArgs);
  }

  /** The {@code java} of {@link #JAVA_PROPERTY}, else the JVM running the tests. */
  public static Path defaultJava() {
    return Path.of(
        Optional.ofNullable(System.getProperty(JAVA_PROPERTY))
            .filter(j -> !j.isBlank())
            .orElseGet(() -> ProcessHandle.current().info().command().orElse("java")));
  }

  /** The same with the plugin run by {@code java} (e.g. the image's jlink'd runtime). */
  public static PluginProcess start(Path java, Path nriSocket, Path logFile, String... extraArgs) {
    Path jar = jar();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("plugin jar " + jar + " missing: run mvn package first");
    }
    // the production JVM options (bin/jvm.options), so tests see the plugin's real footprint
    Path options =
        Path.of(System.getProperty("cainjekt.basedir", "."), "bin/jvm.options").toAbsolutePath();
    List<String> command =
        new ArrayList<>(List.of(java.toString(), "@" + options, "-jar", jar.toString(), "run"));
    command.addAll(List.of("--nri-socket", nriSocket.toString()));
    command.addAll(List.of(extraArgs));
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Process p = Shell.start(command, logFile);
      return new PluginProcess(p, new LogFile(logFile), List.copyOf(command));
    } catch (IOException e) {
      throw new UncheckedIOException("start " + command, e);
    }
  }

  /**
   * Starts the plugin against {@code containerd}'s NRI socket with test settings: CorpCA as the
   * bundle, staging under target/e2e/staging, HTTP on a free loopback port; then {@code extraArgs}.
   */
  public static PluginProcess start(Containerd containerd, Path logFile, String... extraArgs) {
    return start(defaultJava(), containerd, logFile, extraArgs);
  }

  /** The same, run by {@code java} (e.g. a wrapper that drops capabilities). */
  public static PluginProcess start(
      Path java, Containerd containerd, Path logFile, String... extraArgs) {
    Path basedir = containerd.basedir();
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--ca-bundle",
            basedir.resolve("src/test/resources/pki/corp-ca.crt").toString(),
            "--staging-dir",
            basedir.resolve("target/e2e/staging").toString(),
            "--http-address",
            "127.0.0.1:0"));
    args.addAll(List.of(extraArgs));
    return start(java, containerd.nriSocket(), logFile, args.toArray(String[]::new));
  }

  /** The jar failsafe points {@code cainjekt.jar} at (target/cainjekt.jar). */
  public static Path jar() {
    String jar = System.getProperty("cainjekt.jar");
    if (jar == null) {
      throw new IllegalStateException("system property cainjekt.jar is not set (run via failsafe)");
    }
    return Path.of(jar);
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
