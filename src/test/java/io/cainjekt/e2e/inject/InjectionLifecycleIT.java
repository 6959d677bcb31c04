// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.PluginLaunch;
import io.cainjekt.e2e.PluginProcess;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.tls.Client;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.cainjekt.e2e.tls.Pki.Hostile;
import io.cainjekt.e2e.tls.TlsServers;
import io.cainjekt.e2e.tls.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's lifecycle proofs on the real containerd: the plugin killed and restarted, containerd
 * restarted, the CA rotated, and a broken bundle during rotation. Each test starts its own plugin.
 */
@ExtendWith(ContainerdExtension.class)
class InjectionLifecycleIT {

  private static final Duration EXEC = Duration.ofSeconds(30);
  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");
  private static final Set<Client> CURL = Set.of(Client.CURL);

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

  private static RunningPod run(String name) {
    return RunningPod.start(
        containerd.cri(),
        PodSpec.of("e2e-lifecycle", name).withAnnotations(OPT_IN),
        ContainerSpec.of("app", debian).withCommand("sleep", "infinity"));
  }

  /** Every staged file, the mounted anchors included, and the OS bundle. */
  private static String stagedState(RunningPod pod) {
    return pod.execOk(
        EXEC,
        "sh",
        "-c",
        "sha256sum $(find /etc/cainjekt -type f | sort) /etc/ssl/certs/ca-certificates.crt");
  }

  @Test
  void killedAndRestartedPluginKeepsRunningContainersIntactAndInjectsNewOnes() throws Exception {
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa());
        RunningPod before = run("before-kill")) {
      String state = stagedState(before);
      TrustChecks.assertEvery(before, servers, Ca.CORP_CA, CURL, Verdict.TRUSTED);

      plugin.kill();
      plugin.restart(); // synchronizes: the staging of the running container must survive
      plugin.process().log().awaitLineContaining(0, "inject: synchronized", EXEC);

      assertThat(stagedState(before)).isEqualTo(state);
      TrustChecks.assertEvery(before, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      try (RunningPod after = run("after-kill")) {
        TrustChecks.assertEvery(after, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      }
      assertThat(plugin.containers()).contains(before.containerId());
    }
  }

  @Test
  void afterAContainerdRestartThePluginReconnectsAndTheNextContainerIsInjected() throws Exception {
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa())) {
      long mark = plugin.logMark();
      containerd.restart();
      plugin.process().log().awaitLineContaining(mark, "nri: connection lost", EXEC);
      plugin.awaitSynchronized(mark);
      assertThat(plugin.process().isAlive()).isTrue();
      try (RunningPod pod = run("after-containerd-restart")) {
        TrustChecks.assertEvery(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      }
    }
  }

  @Test
  void rotatedCaIsTrustedByNewContainersOnlyAndByNewProcessesOfRunningOnes() throws Exception {
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa());
        RunningPod running = run("rotation-running")) {
      TrustChecks.assertEvery(running, servers, Ca.CORP_CA, CURL, Verdict.TRUSTED);
      long mark = plugin.logMark();

      plugin.replaceBundle(Pki.caCertificate(Ca.CORP_CA2));
      plugin.process().log().awaitLineContaining(mark, "inject: rotated", Duration.ofSeconds(60));

      TrustChecks.assertEvery(running, servers, Ca.CORP_CA2, Client.OS_LEVEL, Verdict.TRUSTED);
      TrustChecks.assertEvery(
          running, servers, Ca.CORP_CA2, Set.of(Client.JAVA, Client.NODE), Verdict.TRUSTED);
      try (RunningPod fresh = run("rotation-new")) {
        TrustChecks.assertEvery(fresh, servers, Ca.CORP_CA2, Client.OS_LEVEL, Verdict.TRUSTED);
        TrustChecks.assertEvery(fresh, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.UNTRUSTED);
      }
      assertThat(plugin.sample("cainjekt_outdated_ca_containers")).isZero();
    }
  }

  @Test
  void brokenBundleDuringRotationIsRejectedAndTheLastGoodOneStaysInUse() throws Exception {
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa())) {
      double rejected = plugin.sample("cainjekt_rejected_inputs_total{kind=\"bad_bundle\"}");
      long mark = plugin.logMark();

      plugin.replaceBundle(Pki.hostile(Hostile.BUNDLE_WITH_PRIVATE_KEY));
      String line =
          plugin
              .process()
              .log()
              .awaitLineContaining(mark, "bundle update rejected", Duration.ofSeconds(60));

      assertThat(line).contains("PRIVATE KEY").doesNotContain("MII");
      assertThat(plugin.sample("cainjekt_rejected_inputs_total{kind=\"bad_bundle\"}"))
          .isGreaterThan(rejected);
      try (RunningPod pod = run("broken-bundle")) {
        TrustChecks.assertEvery(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      }
    }
  }

  @Test
  void brokenBundleAtStartIsAClearErrorAndContainersStillStart() throws Exception {
    Path bundle = work.resolve("broken.pem");
    Files.copy(Pki.hostile(Hostile.BUNDLE_WITH_PRIVATE_KEY), bundle);
    try (PluginProcess broken =
        PluginLaunch.of(containerd, work.resolve("broken-plugin.log"))
            .withBundle(bundle)
            .withStagingDir(work.resolve("staging"))
            .launch()) {
      String line = broken.log().awaitLineContaining(0, "cainjekt run:", Duration.ofSeconds(60));
      assertThat(line).contains("broken.pem").contains("PRIVATE KEY").doesNotContain("MII");
      ProcessHandle.of(broken.pid())
          .ifPresent(h -> h.onExit().orTimeout(60, TimeUnit.SECONDS).join());
      assertThat(broken.isAlive()).isFalse();
      assertThat(broken.stop()).as("exit code").isEqualTo(1);
    }
    try (RunningPod pod = run("broken-at-start")) {
      assertThat(pod.exec(EXEC, "ls", "/etc/cainjekt").exitCode()).isNotZero();
      TrustChecks.assertEvery(pod, servers, Ca.CORP_CA, CURL, Verdict.UNTRUSTED);
    }
  }

  private static Path corpCa() {
    return Pki.caCertificate(Ca.CORP_CA);
  }
}
