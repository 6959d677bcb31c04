// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Optional;

/**
 * Logging until a command configures its own ({@link LogSetup}): text lines on standard error at
 * the level of {@code CAINJEKT_LOG_LEVEL} (info when unset or not a level). Found by logback's
 * service loader (META-INF/services), so logback neither looks for nor parses an XML configuration:
 * its XML reader and the JDK's SAX parser stay unloaded, about 3 MiB of the plugin's memory
 * (docs/dev/performance-notes.md, "Where the memory goes").
 */
public final class LogDefaults extends ContextAwareBase implements Configurator {

  /** The environment variable of the level, as {@code run --log-level} reads it. */
  static final String LEVEL_VARIABLE = "CAINJEKT_LOG_LEVEL";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("stderr");
    appender.setTarget("System.err");
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(LogSetup.TEXT_PATTERN);
    encoder.start();
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    root.setLevel(level(Optional.ofNullable(System.getenv(LEVEL_VARIABLE))));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The level named by the variable's value, or info when it is unset or not a level. */
  static Level level(Optional<String> value) {
    try {
      return value.map(LogSetup::parseLevel).orElse(Level.INFO);
    } catch (IllegalArgumentException e) {
      return Level.INFO;
    }
  }
}
