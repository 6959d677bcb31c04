// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Isolated("reconfigures the process-wide logback context")
class LogSetupTest {

  private static final Logger log = LoggerFactory.getLogger(LogSetupTest.class);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    LogSetup.configure(LogFormat.TEXT, "info");
  }

  /** What was logged, once the queue is written out. */
  private String written() {
    LogSetup.stop();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonWritesOneFlatObjectPerLineWithEveryKeyValue() throws IOException {
    LogSetup.configure(LogFormat.JSON, "info", out);
    log.atInfo()
        .setMessage("inject: bundle staged")
        .addKeyValue("namespace", "team-a")
        .addKeyValue("container_id", "4f1c2a9b8e7d")
        .addKeyValue("files", 3)
        .addKeyValue("outdated", false)
        .addKeyValue("msg", "clash \"quoted\"\nnewline")
        .log();
    log.atWarn()
        .setMessage("inject: failed")
        .setCause(new IllegalStateException("read-only"))
        .log();

    String[] lines = written().split("\n");
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertThat(first.path("level").asText()).isEqualTo("info");
    assertThat(first.path("logger").asText()).isEqualTo("LogSetupTest");
    assertThat(first.path("msg").asText()).isEqualTo("inject: bundle staged");
    assertThat(first.path("namespace").asText()).isEqualTo("team-a");
    assertThat(first.path("container_id").asText()).isEqualTo("4f1c2a9b8e7d");
    assertThat(first.path("files").isInt()).isTrue();
    assertThat(first.path("outdated").isBoolean()).isTrue();
    assertThat(first.path("kv_msg").asText()).isEqualTo("clash \"quoted\"\nnewline");
    assertThat(first.path("time").asText()).endsWith("Z");
    JsonNode second = new ObjectMapper().readTree(lines[1]);
    assertThat(second.path("error").asText())
        .isEqualTo("java.lang.IllegalStateException: read-only");
    assertThat(second.path("stack").asText()).contains("LogSetupTest");
  }

  @Test
  void theDaemonLogsToStandardOutput() {
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      LogSetup.configure(LogFormat.JSON, "info");
      log.info("to the container's stdout");
      assertThat(written()).contains("\"msg\":\"to the container's stdout\"");
    } finally {
      System.setOut(stdout);
    }
  }

  @Test
  void textUsesThePatternWithKeyValues() {
    LogSetup.configure(LogFormat.TEXT, "info", out);
    log.atInfo().setMessage("http: serving").addKeyValue("address", ":9443").log();
    assertThat(written()).matches("\\S+ INFO  LogSetupTest http: serving address=\":9443\"\\n");
  }

  @Test
  void theLevelFiltersEvents() {
    LogSetup.configure(LogFormat.TEXT, "WARN", out);
    log.info("hidden");
    log.warn("shown");
    assertThat(written()).doesNotContain("hidden").contains("shown");
  }

  @Test
  void aStalledOutputDoesNotHoldUpTheLoggingThread() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stalled =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            writing.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            out.write(b, off, len);
          }
        };
    LogSetup.configure(LogFormat.TEXT, "info", stalled);

    // a synchronous appender would block here until the output is released
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> log.info("while the pipe is full"));
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    log.info("queued behind it");
    release.countDown();

    assertThat(written()).contains("while the pipe is full").contains("queued behind it");
  }

  @Test
  void noEventIsDroppedWhenTheQueueFillsUp() {
    LogSetup.configure(LogFormat.TEXT, "info", out);
    int events = LogSetup.QUEUE_EVENTS * 3;
    for (int i = 0; i < events; i++) {
      log.atInfo().setMessage("event").addKeyValue("n", i).log();
    }
    assertThat(written().lines()).hasSize(events).last().asString().contains("n=\"" + (events - 1));
  }

  @Test
  void badValuesNameTheChoices() {
    assertThatThrownBy(() -> LogSetup.configure(LogFormat.JSON, "verbose", out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("error, warn, info, debug, trace");
    assertThatThrownBy(() -> LogFormat.parse("xml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text, json");
    assertThat(LogFormat.parse(" Json ")).isEqualTo(LogFormat.JSON);
  }
}
