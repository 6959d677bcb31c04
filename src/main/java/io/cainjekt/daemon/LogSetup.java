// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code --log-format} and {@code --log-level} to logback: one stderr appender. */
public final class LogSetup {

  /** The text pattern; keep in step with src/main/resources/logback.xml. */
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg %kvp%n%ex";

  private LogSetup() {}

  /** Replaces the logging configuration. Call once, before the daemon starts. */
  public static void apply(LogFormat format, LogLevel level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding (tests may use one); leave it alone
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("STDERR");
    appender.setTarget("System.err");
    appender.setEncoder(encoder(format, context));
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.toLevel(level.name()));
  }

  private static Encoder<ILoggingEvent> encoder(LogFormat format, LoggerContext context) {
    return switch (format) {
      case JSON -> {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.start();
        yield json;
      }
      case TEXT -> {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        yield text;
      }
    };
  }
}
