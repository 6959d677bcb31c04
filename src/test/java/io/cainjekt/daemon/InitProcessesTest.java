// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's processes through a fake /proc (cgroup files) and a real child process. */
class InitProcessesTest {

  private static final String ID = HandlerFixture.ID;

  @TempDir Path proc;
  private Process sleeper;

  @AfterEach
  void tearDown() {
    if (sleeper != null) {
      sleeper.destroyForcibly();
    }
  }

  private int sleeperInCgroup(String cgroup) throws IOException {
    sleeper = new ProcessBuilder("sleep", "600").start();
    int pid = (int) sleeper.pid();
    Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(proc.resolve(pid + "/cgroup"), cgroup);
    return pid;
  }

  @Test
  void theInitProcessOfTheContainerIsFoundAndDiesOfSigkill() throws Exception {
    int pid = sleeperInCgroup("0::/k8s.io/" + ID + "\n");
    InitProcesses processes = new InitProcesses.Host(proc);

    InitProcesses.InitProcess init = processes.find(pid, ID).orElseThrow();

    assertThat(init.exitsWithin(Duration.ofMillis(50)).get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(init.kill()).isTrue();
    assertThat(init.exitsWithin(Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS)).isTrue();
    assertThat(sleeper.isAlive()).isFalse();
  }

  @Test
  void aProcessWhoseCgroupDoesNotNameTheContainerIsNotIt() throws Exception {
    int pid = sleeperInCgroup("0::/k8s.io/another-container\n");

    assertThat(new InitProcesses.Host(proc).find(pid, ID)).isEmpty();
    assertThat(sleeper.isAlive()).isTrue();
  }

  @Test
  void pidOneTheJvmItselfAndAMissingProcessAreNeverFound() {
    InitProcesses processes = new InitProcesses.Host(proc);

    assertThat(processes.find(1, ID)).isEmpty();
    assertThat(processes.find((int) ProcessHandle.current().pid(), ID)).isEmpty();
    assertThat(processes.find(0, ID)).isEmpty();
  }

  @Test
  void theOwnContainerIsTheOneNamedInTheJvmsCgroup() throws IOException {
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/cgroup"), "0::/kubepods/pod1/" + ID + "\n");
    InitProcesses processes = new InitProcesses.Host(proc);

    assertThat(processes.ownContainer(ID)).isTrue();
    assertThat(processes.ownContainer("another-container")).isFalse();
  }
}
