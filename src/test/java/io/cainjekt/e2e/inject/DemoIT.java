// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cainjekt.e2e.CallTimings;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.CriClient;
import io.cainjekt.e2e.tls.Client;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code cainjekt demo} on real containerd: its table says every TLS client of the opted-in pod
 * trusts the demo CA and none of the plain pod does, and nothing it runs (the CRI client's gRPC and
 * netty included) logs a warning into its output.
 */
@ExtendWith(ContainerdExtension.class)
class DemoIT {

  private final Containerd containerd;

  DemoIT(Containerd containerd) {
    this.containerd = containerd;
  }

  @Test
  void demoPrintsTheTrustTableAndNoLibraryWarning(@TempDir Path work) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        CriClient fresh = new CriClient(containerd.socket(), new CallTimings())) {
      fresh.version(); // a new connection, as the demo's JVM makes one
      Demo.run(containerd, work, out);
    } finally {
      root.detachAppender(logged);
    }

    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("server signed by corp-ca").doesNotContain("WARN");
    String corpTable = text.substring(text.indexOf("server signed by corp-ca"));
    for (Client c : Client.values()) {
      assertThat(corpTable).containsPattern("\\n\\s+" + c.id() + "\\s+trusted\\s+untrusted\\s*\\n");
    }
    List<String> warnings =
        logged.list.stream()
            .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
            .map(e -> e.getLoggerName() + " " + e.getLevel() + " " + e.getFormattedMessage())
            .toList();
    assertThat(warnings).isEmpty();
  }
}
