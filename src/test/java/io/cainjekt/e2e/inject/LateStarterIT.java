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
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 on the real containerd: pods start while the plugin is down (a DaemonSet rollout, a
 * crash loop); when the plugin comes up, its Synchronize lists them. An opted-in one gets its OS
 * trust store (fail policy open) or is stopped and, restarted as kubelet would, injected in full
 * (fail policy closed); a plain one stays untouched.
 */
@ExtendWith(ContainerdExtension.class)
class LateStarterIT {

  private static final Duration EXEC = Duration.ofSeconds(30);
  private static final Duration LATE = Duration.ofSeconds(30);
  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");

  /** What a container's trust stores and cainjekt traces look like, byte for byte. */
  private static final String TRUST_STATE =
      """
      find /etc/ssl/certs /etc/ssl/certs/java -maxdepth 1 -type f -exec sha256sum {} + | sort
      env | grep -c -e SSL_CERT_FILE -e NODE_EXTRA_CA_CERTS -e REQUESTS_CA_BUNDLE || true
      ls -d /etc/cainjekt 2>&1 || true
      """;

  private static String debian;
  private static TlsServers servers;
  private static Containerd containerd;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @BeforeAll
  static void start(Containerd ctrd) throws Exception {
    containerd = ctrd;
    debian = E2eImages.ensure(ctrd, List.of("debian-tls")).get("debian-tls");
    servers = TlsServers.start();
  }

  @AfterAll
  static void stop() {
    if (servers != null) {
      servers.close();
    }
  }

  private static RunningPod run(String name, Map<String, String> annotations) {
    return RunningPod.start(
        containerd.cri(),
        PodSpec.of("e2e-late", name).withAnnotations(annotations),
        ContainerSpec.of("app", debian).withCommand("sleep", "infinity"));
  }

  private static String trustState(RunningPod pod) {
    return pod.execOk(EXEC, "sh", "-c", TRUST_STATE);
  }

  private static String shortId(RunningPod pod) {
    return pod.containerId().substring(0, 12);
  }

  @Test
  void anOptedInContainerStartedWhileThePluginWasDownGetsItsOsStoreAndAPlainOneNothing()
      throws Exception {
    try (InjectingPlugin plugin = InjectingPlugin.stopped(containerd, work, corpCa());
        RunningPod late = run("late-opted-in", OPT_IN);
        RunningPod plain = run("late-plain", Map.of())) {
      String plainBefore = trustState(plain);
      TrustChecks.assertEvery(late, servers, Ca.CORP_CA, Set.of(Client.CURL), Verdict.UNTRUSTED);

      plugin.restart();

      String line = lateStarterLine(plugin, late);
      assertThat(line).contains("injected").contains("app").contains("late-opted-in");
      assertThat(plugin.containers())
          .contains(late.containerId())
          .contains("\"state\" : \"LATE\"")
          .contains("restart the pod for full injection")
          .doesNotContain(plain.containerId());
      assertThat(plugin.sample("cainjekt_late_starters_total{action=\"injected\"}")).isEqualTo(1.0);
      TrustChecks.assertEvery(late, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      assertThat(late.exec(EXEC, "ls", "/etc/cainjekt").exitCode())
          .as("a running container gets no mount")
          .isNotZero();
      assertThat(trustState(plain)).isEqualTo(plainBefore);
      assertThat(plugin.process().log().lines()).noneMatch(l -> l.contains(shortId(plain)));
    }
  }

  @Test
  void failClosedStopsALateStarterAndItsRestartIsInjectedInFull() throws Exception {
    try (InjectingPlugin plugin =
            InjectingPlugin.stopped(containerd, work, corpCa(), "--fail-policy", "closed");
        RunningPod late = run("late-fail-closed", OPT_IN)) {
      String before = trustState(late);
      long runtimeMark = containerd.log().mark();

      plugin.restart();

      String line = lateStarterLine(plugin, late);
      System.out.printf("containerd %s: %s%n", containerd.release().id(), line);
      assertThat(line).contains("killed").contains("sigkill").contains("eviction_answer=\"ok\"");
      assertThat(containerd.log().linesSince(runtimeMark))
          .as("the runtime received the eviction (and logged it)")
          .anyMatch(l -> l.contains("requested container updates"));
      late.awaitExited(LATE);
      assertThat(plugin.sample("cainjekt_late_starters_total{action=\"killed\"}")).isEqualTo(1.0);
      assertThat(plugin.containers()).doesNotContain(late.containerId());

      try (RunningPod restarted = late.restartContainer()) {
        assertThat(trustState(restarted)).isNotEqualTo(before);
        assertThat(restarted.execOk(EXEC, "sh", "-c", "echo $SSL_CERT_FILE"))
            .contains("/etc/cainjekt/ca-bundle.pem");
        assertThat(restarted.execOk(EXEC, "cat", "/etc/cainjekt/status.json")).contains("debian");
        TrustChecks.assertOsStore(restarted, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
        assertThat(plugin.containers())
            .contains(restarted.containerId())
            .contains("\"state\" : \"INJECTED\"");
      }
    }
  }

  @Test
  void aPodOptedInByItsNamespaceIsInjectedLateAndGetsTheWarningEvent() throws Exception {
    String namespace = "e2e-late-labelled";
    try (FakeKubernetesApi api = FakeKubernetesApi.start()) {
      api.client()
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(namespace)
                  .withLabels(OPT_IN)
                  .endMetadata()
                  .build())
          .create();
      Path kubeconfig = api.kubeconfig(work.resolve("kubeconfig"));
      try (InjectingPlugin plugin =
              InjectingPlugin.stopped(
                  containerd, work, corpCa(), "--kubeconfig", kubeconfig.toString());
          RunningPod late =
              RunningPod.start(
                  containerd.cri(),
                  PodSpec.of(namespace, "late-by-namespace"),
                  ContainerSpec.of("app", debian).withCommand("sleep", "infinity"))) {
        plugin.restart();

        assertThat(lateStarterLine(plugin, late)).contains("injected");
        plugin.process().log().lines().stream()
            .filter(l -> l.contains("namespace labels") || l.contains("namespace cache synced"))
            .forEach(l -> System.out.printf("containerd %s: %s%n", containerd.release().id(), l));
        assertThat(api.awaitEvents(namespace, LATE))
            .singleElement()
            .satisfies(
                e -> {
                  assertThat(e.getReason()).isEqualTo("CAInjectedLate");
                  assertThat(e.getType()).isEqualTo("Warning");
                  assertThat(e.getInvolvedObject().getName()).isEqualTo("late-by-namespace");
                  assertThat(e.getMessage()).contains("restart the pod");
                });
        TrustChecks.assertEvery(late, servers, Ca.CORP_CA, Set.of(Client.CURL), Verdict.TRUSTED);
      }
    }
  }

  /** The plugin's one line about {@code pod}'s container as a late starter. */
  private static String lateStarterLine(InjectingPlugin plugin, RunningPod pod) {
    return plugin
        .process()
        .log()
        .awaitLine(
            0,
            l -> l.contains("inject: late starter") && l.contains(shortId(pod)),
            "about late starter " + shortId(pod),
            LATE);
  }

  private static Path corpCa() {
    return Pki.caCertificate(Ca.CORP_CA);
  }
}
