// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.Shell;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's image: the Dockerfile built with buildah from local bases, imported with {@code ctr
 * images import}, keeps its OCI title label, and its container registers with containerd as the
 * plugin; inside it, the {@code cainjekt} launcher on PATH answers {@code cainjekt inspect} the way
 * {@code kubectl exec ... -- cainjekt inspect} runs it (issue 23 item 7).
 */
@ExtendWith(ContainerdExtension.class)
class PluginImageIT {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(30);

  private final Containerd containerd;

  PluginImageIT(Containerd containerd) {
    this.containerd = containerd;
  }

  @Test
  void imageBuiltFromDockerfileRunsThePluginAndItsLauncherAnswersInspect(@TempDir Path tmp)
      throws Exception {
    PluginImage image = PluginImage.buildAndImport(containerd, "it");
    System.out.printf(
        "image %s: %d MiB unpacked, archive %d MiB, build %d s%n",
        image.reference(),
        image.unpackedBytes() >> 20,
        Files.size(image.archive()) >> 20,
        image.buildTime().toSeconds());
    assertThat(archiveLabel(image.archive(), "org.opencontainers.image.title"))
        .isEqualTo("cainjekt");

    int port = freePort();
    String address = "127.0.0.1:" + port;
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    Path scratch = Files.createDirectories(tmp.resolve("tmp"));
    Path ca = containerd.basedir().resolve("src/test/resources/pki/corp-ca.crt");
    ContainerSpec plugin =
        ContainerSpec.of("cainjekt", image.reference())
            .withArgs(
                "run",
                "--nri-socket=/var/run/nri/" + containerd.nriSocket().getFileName(),
                "--ca-bundle=/etc/cainjekt-bundles/corp/ca.pem",
                "--staging-dir=" + staging,
                "--log-format=json")
            .withEnv(Map.of("CAINJEKT_HTTP_ADDRESS", address))
            .withMount(containerd.nriSocket().getParent(), "/var/run/nri", false)
            .withMount(ca, "/etc/cainjekt-bundles/corp/ca.pem", true)
            .withMount(staging, staging.toString(), false)
            .withMount(scratch, "/tmp", false)
            .withReadonlyRootfs(true)
            .withAddCapabilities("SYS_PTRACE");
    long created = System.nanoTime();
    try (RunningPod pod =
        RunningPod.start(containerd.cri(), PodSpec.of("cainjekt", "cainjekt-image"), plugin)) {
      awaitReady(URI.create("http://" + address + "/readyz"));
      System.out.printf(
          "plugin container: creation -> /readyz 200 in %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - created));

      assertThat(pod.execOk(EXEC_TIMEOUT, "sh", "-c", "command -v cainjekt"))
          .isEqualTo("/usr/local/bin/cainjekt\n");
      String inspect = pod.execOk(EXEC_TIMEOUT, "cainjekt", "inspect", "--json");
      assertThat(inspect).as("cainjekt inspect --json in the plugin container").startsWith("{");
      assertThat(pod.execOk(EXEC_TIMEOUT, "cainjekt", "version")).contains("cainjekt");
    }
  }

  /** The value of {@code label} in the image config of the OCI archive's first manifest. */
  private static String archiveLabel(Path archive, String label) {
    String script =
        "m=$(tar -xOf \"$1\" index.json | jq -r '.manifests[0].digest | sub(\"sha256:\"; \"\")');"
            + " c=$(tar -xOf \"$1\" blobs/sha256/$m | jq -r '.config.digest | sub(\"sha256:\"; \"\")');"
            + " tar -xOf \"$1\" blobs/sha256/$c | jq -r --arg l \"$2\" '.config.Labels[$l]'";
    return Shell.run(
            Duration.ofSeconds(30),
            List.of("bash", "-c", script, "label", archive.toString(), label))
        .strip();
  }

  /** Polls {@code readyz} every 200 ms until it answers 200, as a kubelet readiness probe would. */
  private static void awaitReady(URI readyz) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(1)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError(readyz + " not ready within " + READY_TIMEOUT + ": " + last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
