// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Set;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code --log-format} and {@code --log-level} (docs/architecture.md, "Command line") to
 * logback at start: replaces the root logger's appenders with one writing {@link LogFormat#TEXT}
 * (the pattern of {@link LogDefaults}) or {@link LogFormat#JSON} lines. Called once by the
 * composition root before work starts; not meant to race with logging on other threads.
 *
 * <p>Lines are laid out and written on logback's worker thread: a StartContainer answer does not
 * wait for its log line to reach the runtime's log pipe (6.5 % of StartContainer's wall time in a
 * profile of the CRI benchmark). No event is dropped: a full queue makes the logging thread wait.
 * {@link #stop} writes out what is queued; only a hard exit (out of memory) can lose the last
 * lines.
 */
public final class LogSetup {

  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg %kvp%n%ex";
  private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

  /** Events queued for the writer at most before a logging thread waits. */
  static final int QUEUE_EVENTS = 1024;

  private LogSetup() {}

  /**
   * Configures the daemon's logging to write to standard output, where container log tooling
   * expects a service's lines. The other commands keep {@link LogDefaults}' standard error, so
   * their standard output stays the result they print.
   */
  public static void configure(LogFormat format, String level) {
    configure(format, level, System.out);
  }

  /** Configures the process's logging to write to {@code out}. */
  public static void configure(LogFormat format, String level, OutputStream out) {
    Level parsed = parseLevel(level);
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      throw new IllegalStateException("logging is not logback: " + factory.getClass().getName());
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName(format.name().toLowerCase(Locale.ROOT));
    appender.setEncoder(format == LogFormat.JSON ? jsonEncoder(context) : textEncoder(context));
    appender.setOutputStream(out);
    appender.start();
    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("async-" + appender.getName());
    async.setQueueSize(QUEUE_EVENTS);
    async.setDiscardingThreshold(0); // keep info and debug events when the queue fills up
    async.setNeverBlock(false);
    async.addAppender(appender);
    async.start();
    root.detachAndStopAllAppenders();
    root.addAppender(async);
    root.setLevel(parsed);
  }

  /** Writes out the queued events and stops logging: the last step of a shutdown. */
  public static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).detachAndStopAllAppenders();
    }
  }

  /** Parses error, warn, info, debug or trace (any case); the message names the choices. */
  static Level parseLevel(String level) {
    String lower = level.strip().toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(lower)) {
      throw new IllegalArgumentException(
          "log level '" + level + "' is not one of error, warn, info, debug, trace");
    }
    return Level.toLevel(lower);
  }

  private static PatternLayoutEncoder textEncoder(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(TEXT_PATTERN);
    encoder.start();
    return encoder;
  }

  private static LayoutWrappingEncoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    JsonLineLayout layout = new JsonLineLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    return encoder;
  }
}
