// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.tls.Client;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.cainjekt.e2e.tls.TlsServers;
import io.cainjekt.e2e.tls.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin run by the image's own runtime: deploy/image/jlink.sh builds the jlink'd JRE the
 * Dockerfile ships (the modules jdeps finds plus the documented additions), and that JRE runs
 * {@code cainjekt run} against the real containerd and injects a real container.
 */
@ExtendWith(ContainerdExtension.class)
class JlinkRuntimePluginIT {

  private static final Duration EXEC = Duration.ofSeconds(30);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path work;

  private static Path java;
  private static InjectingPlugin plugin;
  private static TlsServers servers;
  private static Containerd containerd;
  private static String debian;

  @BeforeAll
  static void start(Containerd ctrd) throws Exception {
    containerd = ctrd;
    Path repo = E2eImages.repo();
    Path jre = repo.resolve("target/e2e/jre");
    Process jlink =
        new ProcessBuilder(
                "bash",
                repo.resolve("deploy/image/jlink.sh").toString(),
                "--output",
                jre.toString(),
                "--aot",
                "none")
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("jlink.log").toFile())
            .start();
    assertThat(jlink.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(jlink.exitValue()).as(Files.readString(work.resolve("jlink.log"))).isZero();
    java = jre.resolve("bin/java");
    debian = E2eImages.ensure(ctrd, List.of("debian-tls")).get("debian-tls");
    servers = TlsServers.start();
    plugin =
        InjectingPlugin.start(
            ctrd, work.resolve("plugin"), Pki.caCertificate(Ca.CORP_CA), Optional.of(java));
  }

  @AfterAll
  static void stop() {
    if (plugin != null) {
      plugin.close();
    }
    if (servers != null) {
      servers.close();
    }
  }

  @Test
  void theJlinkRuntimeRunsThePluginAndInjectsAContainer() {
    assertThat(plugin.process().command().getFirst()).isEqualTo(java.toString());
    try (RunningPod pod =
        RunningPod.start(
            containerd.cri(),
            PodSpec.of("e2e-jlink", "debian")
                .withAnnotations(Map.of("cainjekt.io/enabled", "true")),
            ContainerSpec.of("app", debian).withCommand("sleep", "infinity"))) {
      assertThat(pod.execOk(EXEC, "cat", "/etc/cainjekt/status.json")).contains("debian");
      TrustChecks.assertEvery(
          pod, servers, Ca.CORP_CA, Set.of(Client.CURL, Client.JAVA), Verdict.TRUSTED);
    }
    assertThat(plugin.metrics()).contains("cainjekt_injections_total{distro=\"debian\"} 1.0");
  }
}
