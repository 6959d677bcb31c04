// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.images.TestImage;
import io.cainjekt.e2e.images.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 3: with the plugin jar running as its own process and connected to containerd, a pod
 * without the opt-in is untouched: the same environment, the same mounts and the same bytes in
 * /etc/ssl/certs (and the Java cacerts) as the same pod without the plugin.
 */
@ExtendWith(ContainerdExtension.class)
class PodWithoutOptInUntouchedIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Prints what a container sees: env, mounts (point, type, options), trust-store bytes. */
  private static final String SNAPSHOT =
      """
      echo '## env'; env | grep -v '^HOSTNAME=' | sort
      echo '## mounts'; awk '{ split($0, p, " - "); split(p[2], t, " "); \
      print $5, t[1], $6 }' /proc/self/mountinfo | sort
      echo '## /etc/ssl/certs'; find /etc/ssl/certs -printf '%p %y %m %l\\n' | sort
      find /etc/ssl/certs /etc/ssl/certs/java -maxdepth 1 -type f -exec sha256sum {} + | sort
      echo '## cainjekt'; ls -d /etc/cainjekt 2>&1 || true
      """;

  private final Containerd containerd;

  PodWithoutOptInUntouchedIT(Containerd containerd) {
    this.containerd = containerd;
  }

  @Test
  void podWithoutOptInSeesTheSameEnvMountsAndTrustStoreWithThePluginConnected() throws Exception {
    Path repo = containerd.basedir();
    TestImage image = TestImages.build(repo, List.of("debian-tls"), true).get("debian-tls");
    String reference = containerd.ensureImage(image.archive().orElseThrow(), image.reference());
    PodSpec pod =
        PodSpec.of("e2e-untouched", "no-opt-in")
            .withLabels(Map.of("app", "untouched"))
            .withAnnotations(Map.of("example.com/unrelated", "true"));
    ContainerSpec spec =
        ContainerSpec.of("main", reference)
            .withCommand("sleep", "infinity")
            .withEnv(Map.of("APP_MODE", "test", "SSL_CERT_FILE_NOT", "x"));

    String without = snapshot(pod, spec).text();

    NriLog nri = new NriLog(containerd.log());
    long mark = containerd.log().mark();
    try (PluginProcess plugin = PluginLaunch.of(containerd, logFile()).launch()) {
      NriLog.Registration reg = nri.awaitRegistration(mark, plugin.pid(), TIMEOUT);
      nri.awaitSynchronizedAndConnected(mark, reg.name(), TIMEOUT);

      long pluginMark = plugin.log().mark();
      Snapshot with = snapshot(pod, spec);

      String shortId = with.containerId().substring(0, 12);
      assertThat(plugin.log().linesSince(pluginMark))
          .as("the plugin received the container's NRI events")
          .anyMatch(l -> l.contains(shortId));

      assertThat(nri.troubleSince(mark, reg.name()))
          .as("the plugin stayed connected while the pod ran")
          .isEmpty();
      assertThat(plugin.isAlive()).isTrue();
      assertThat(with.text()).isEqualTo(without);
    }
    assertThat(without)
        .contains("APP_MODE=test")
        .contains("/etc/ssl/certs/ca-certificates.crt")
        .contains("No such file or directory");
  }

  private record Snapshot(String containerId, String text) {}

  private Snapshot snapshot(PodSpec pod, ContainerSpec spec) {
    try (RunningPod running = RunningPod.start(containerd.cri(), pod, spec)) {
      return new Snapshot(
          running.containerId(), running.execOk(TIMEOUT, "/bin/sh", "-c", SNAPSHOT));
    }
  }

  private static Path logFile() {
    return Path.of(System.getProperty("cainjekt.basedir", "."))
        .resolve("target/e2e/plugin-untouched.log");
  }
}
