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
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 5's product proof on the real containerd + runc: the plugin runs as its own process,
 * opted-in containers of every distro family trust CorpCA and still FakePublicRoot through real TLS
 * clients, read-only root filesystems included; everything else stays untouched.
 */
@ExtendWith(ContainerdExtension.class)
class InjectionIT {

  private static final Duration EXEC = Duration.ofSeconds(30);
  private static final Set<Client> ALL = EnumSet.allOf(Client.class);
  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path work;

  private static Map<String, String> images;
  private static TlsServers servers;
  private static InjectingPlugin plugin;
  private static Containerd containerd;

  @BeforeAll
  static void start(Containerd ctrd) throws Exception {
    containerd = ctrd;
    images =
        E2eImages.ensure(
            ctrd, List.of("debian-tls", "rhel-tls", "alpine-tls", "suse-tls", "arch-tls"));
    servers = TlsServers.start();
    plugin = InjectingPlugin.start(ctrd, work.resolve("plugin"), Pki.caCertificate(Ca.CORP_CA));
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

  private static RunningPod run(String podName, String image, Map<String, String> annotations) {
    return run(podName, ContainerSpec.of("app", images.get(image)), annotations);
  }

  private static RunningPod run(
      String podName, ContainerSpec container, Map<String, String> annotations) {
    return RunningPod.start(
        containerd.cri(),
        PodSpec.of("e2e-inject", podName).withAnnotations(annotations),
        container.withCommand("sleep", "infinity"));
  }

  @Test
  void optedInDebianContainerTrustsCorpCaAndStillFakePublicRootInEveryClient() {
    double before = plugin.sample("cainjekt_injections_total{distro=\"debian\"}");
    try (RunningPod pod = run("debian-in", "debian-tls", OPT_IN)) {
      TrustChecks.assertEvery(pod, servers, Ca.CORP_CA, ALL, Verdict.TRUSTED);
      TrustChecks.assertEvery(pod, servers, Ca.CORP_ISSUING, ALL, Verdict.TRUSTED);
      TrustChecks.assertEvery(pod, servers, Ca.FAKE_PUBLIC_ROOT, ALL, Verdict.TRUSTED);
      TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      assertThat(pod.execOk(EXEC, "cat", "/etc/cainjekt/status.json")).contains("debian");
      assertThat(pod.execOk(EXEC, "sh", "-c", "echo $SSL_CERT_FILE"))
          .isEqualTo("/etc/cainjekt/ca-bundle.pem\n");
    }
    assertThat(plugin.sample("cainjekt_injections_total{distro=\"debian\"}")).isEqualTo(before + 1);
  }

  @Test
  void theNextContainerOfAnImageIsAReplayOfItsPlanAndTrustsTheSame() {
    String[] stores = {
      "/etc/ssl/certs/ca-certificates.crt",
      "/etc/ssl/certs/java/cacerts",
      "/etc/cainjekt/status.json"
    };
    try (RunningPod first = run("debian-plan-1", "debian-tls", OPT_IN)) {
      long mark = plugin.logMark();
      try (RunningPod next = run("debian-plan-2", "debian-tls", OPT_IN)) {
        String injected = plugin.awaitInjected(mark, "debian-plan-2", EXEC);
        assertThat(injected).contains("plan=\"replayed\"");
        TrustChecks.assertEvery(next, servers, Ca.CORP_CA, ALL, Verdict.TRUSTED);
        TrustChecks.assertEvery(next, servers, Ca.FAKE_PUBLIC_ROOT, ALL, Verdict.TRUSTED);
        TrustChecks.assertOsStore(next, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
        for (String store : stores) {
          assertThat(next.execOk(EXEC, "sha256sum", store))
              .as(store)
              .isEqualTo(first.execOk(EXEC, "sha256sum", store));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rhel-tls", "alpine-tls", "suse-tls", "arch-tls"})
  void optedInContainerOfEveryDistroFamilyTrustsCorpCaInItsOsLevelClients(String image) {
    try (RunningPod pod = run(image.replace("-tls", "-in"), image, OPT_IN)) {
      TrustChecks.assertEvery(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      TrustChecks.assertEvery(pod, servers, Ca.FAKE_PUBLIC_ROOT, Client.OS_LEVEL, Verdict.TRUSTED);
      TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      TrustChecks.assertOsStore(
          pod, servers, Ca.FAKE_PUBLIC_ROOT, Client.OS_LEVEL, Verdict.TRUSTED);
    }
  }

  @Test
  void optedInContainerWithReadOnlyRootFilesystemGetsTheOsStoreToo() throws Exception {
    // like a pod with readOnlyRootFilesystem and an emptyDir at /tmp (tls-check needs mktemp)
    Path tmp = Files.createDirectories(work.resolve("ro-tmp"));
    ContainerSpec spec =
        ContainerSpec.of("app", images.get("debian-tls"))
            .withReadonlyRootfs(true)
            .withMount(tmp, "/tmp", false);
    try (RunningPod pod = run("debian-ro", spec, OPT_IN)) {
      assertThat(pod.exec(EXEC, "touch", "/etc/probe").exitCode())
          .as("rootfs is read-only")
          .isNotZero();
      TrustChecks.assertEvery(pod, servers, Ca.CORP_CA, ALL, Verdict.TRUSTED);
      TrustChecks.assertEvery(pod, servers, Ca.FAKE_PUBLIC_ROOT, ALL, Verdict.TRUSTED);
      System.out.println(
          "read-only rootfs status.json: " + pod.execOk(EXEC, "cat", "/etc/cainjekt/status.json"));
      TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
    }
  }

  @Test
  void podWithoutOptInIsUntouched() throws Exception {
    double skipped = plugin.sample("cainjekt_skips_total{reason=\"not_opted_in\"}");
    try (RunningPod pod = run("debian-plain", "debian-tls", Map.of())) {
      assertUntouched(pod);
    }
    assertThat(plugin.sample("cainjekt_skips_total{reason=\"not_opted_in\"}"))
        .isEqualTo(skipped + 1);
  }

  @Test
  void explicitlyOptedOutPodIsUntouched() throws Exception {
    try (RunningPod pod = run("debian-out", "debian-tls", Map.of("cainjekt.io/enabled", "false"))) {
      assertUntouched(pod);
    }
  }

  @Test
  void excludedContainerOfAnOptedInPodIsUntouched() throws Exception {
    Map<String, String> annotations =
        Map.of("cainjekt.io/enabled", "true", "cainjekt.io/exclude-containers", "app");
    try (RunningPod pod = run("debian-excluded", "debian-tls", annotations)) {
      assertUntouched(pod);
    }
  }

  private static void assertUntouched(RunningPod pod) throws Exception {
    assertThat(pod.exec(EXEC, "ls", "/etc/cainjekt").exitCode()).isNotZero();
    String env = pod.execOk(EXEC, "env");
    assertThat(env)
        .doesNotContain(
            "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "JAVA_TOOL_OPTIONS", "REQUESTS_CA_BUNDLE");
    String inside = pod.execOk(EXEC, "sha256sum", "/etc/ssl/certs/ca-certificates.crt");
    byte[] image =
        Files.readAllBytes(
            E2eImages.rootfs("debian-tls").resolve("etc/ssl/certs/ca-certificates.crt"));
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    assertThat(inside).startsWith(expected);
    TrustChecks.assertEvery(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.UNTRUSTED);
  }
}
