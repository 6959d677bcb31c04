// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.nri.NriState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonTest {

  @TempDir Path dir;

  private Config config() {
    return new Config(
        new Config.Nri(dir.resolve("missing.sock"), "cainjekt", "10", Duration.ofSeconds(2)),
        List.of(new CaBundleSource("corp", dir.resolve("ca.pem"))),
        dir.resolve("staging"),
        new HttpAddress("127.0.0.1", 0),
        "cainjekt.io",
        FailPolicy.OPEN,
        LogFormat.TEXT,
        LogLevel.INFO);
  }

  private static long stubThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("nri-stub"))
        .count();
  }

  @Test
  void withoutARuntimeTheDaemonKeepsRunningDisconnectedAndClosesOnceCleanly() throws Exception {
    long before = stubThreads();
    Daemon daemon = new Daemon(config());
    daemon.start();

    assertThat(daemon.nriState()).isEqualTo(NriState.DISCONNECTED);
    assertThat(stubThreads()).isEqualTo(before + 1);
    Thread waiter = Thread.ofVirtual().start(awaitQuietly(daemon));
    daemon.close();
    daemon.close();

    waiter.join(TimeUnit.SECONDS.toMillis(5));
    assertThat(waiter.isAlive()).isFalse();
    assertThat(stubThreads()).isEqualTo(before);
  }

  private Runnable awaitQuietly(Daemon daemon) {
    return () -> {
      try {
        daemon.awaitClosed();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
