// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogDefaultsTest {

  @Test
  void logbackConfiguresAFreshContextThroughTheServiceAndStopsThere() throws Exception {
    LoggerContext context = new LoggerContext();
    new ContextInitializer(context).autoConfig();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(appenders::add);
    // one appender, ours: BasicConfigurator, next in logback's chain, would add "console" too
    assertThat(appenders)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getName()).isEqualTo("stderr");
              assertThat(a).isInstanceOf(ConsoleAppender.class);
              assertThat(((ConsoleAppender<ILoggingEvent>) a).getTarget()).isEqualTo("System.err");
            });
    context.stop();
  }

  @Test
  void theLevelComesFromTheVariableAndIsInfoOtherwise() {
    assertThat(LogDefaults.level(Optional.empty())).isEqualTo(Level.INFO);
    assertThat(LogDefaults.level(Optional.of("DEBUG"))).isEqualTo(Level.DEBUG);
    assertThat(LogDefaults.level(Optional.of("warn"))).isEqualTo(Level.WARN);
    assertThat(LogDefaults.level(Optional.of("loud"))).isEqualTo(Level.INFO);
  }
}
