// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.nri.proto.ConfigureRequest;
import io.cainjekt.nri.proto.SynchronizeRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadLeakTest {

  private static final int CYCLES = 25;

  @TempDir Path dir;

  private static Set<String> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  private static long count(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals(name))
        .count();
  }

  @Test
  void manyConnectDisconnectCyclesLeaveNoThreadsBehind() throws Exception {
    Path socket = dir.resolve("nri.sock");
    int before = Thread.activeCount();
    try (FakeRuntime runtime = new FakeRuntime(socket);
        NriStub stub =
            new NriStub(
                new NriStub.Options(
                    socket,
                    "leak",
                    "10",
                    Duration.ofSeconds(2),
                    new Backoff(Duration.ofMillis(5), Duration.ofMillis(20))),
                NriHandlers.builder().startContainer((p, c) -> {}).build())) {
      stub.start();
      for (int i = 0; i < CYCLES; i++) {
        FakeRuntime.Session s = runtime.nextSession(Duration.ofSeconds(10));
        s.call("Configure", ConfigureRequest.getDefaultInstance());
        s.call("Synchronize", SynchronizeRequest.getDefaultInstance());
        assertThat(stub.ready()).isTrue();
        s.close();
      }
      runtime.nextSession(Duration.ofSeconds(10));
      assertThat(count("nri-mux-reader")).isLessThanOrEqualTo(1);
    }

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (count("nri-mux-reader") + count("fake-runtime-reader") + count("nri-stub") > 0
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(liveThreads()).doesNotContain("nri-mux-reader", "fake-runtime-reader", "nri-stub");
    assertThat(Thread.activeCount()).isLessThanOrEqualTo(before + 2);
  }
}
