// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.deploy.KubeletPlan.ProbeKind;
import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.ExecResult;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.inject.E2eImages;
import io.cainjekt.e2e.inject.TrustChecks;
import io.cainjekt.e2e.tls.Client;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.cainjekt.e2e.tls.TlsServers;
import io.cainjekt.e2e.tls.Verdict;
import io.cainjekt.observe.ContainerReport;
import io.cainjekt.observe.ContainerReportCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's rollout, as the DaemonSet's RollingUpdate does it on one node: the old plugin pod is
 * deleted (its container stopped with the grace period), then a pod of the newer image tag starts.
 * An opted-in pod started in the gap is injected late under the chart's fail-open default, and
 * stopped, then injected in full when the kubelet restarts it, under fail-closed. A container
 * injected before the rollout keeps its files and its state. Prints how long the gap lasted.
 */
@ExtendWith(ContainerdExtension.class)
class ChartRolloutIT {

  private static final Duration EXEC = Duration.ofSeconds(30);
  private static final Duration LATE_TIMEOUT = Duration.ofSeconds(60);
  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @Test
  void aPodStartedInTheGapIsInjectedLateAndEarlierOnesKeepTheirState(Containerd containerd)
      throws Exception {
    try (TlsServers servers = TlsServers.start()) {
      rollout(
          containerd,
          "open",
          (upgraded, next, before, gap) -> {
            ContainerReport late =
                awaitState(containerd, upgraded, next, gap, ContainerReport.State.LATE);
            assertThat(late.distro()).isEqualTo("debian");
            TrustChecks.assertOsStore(
                gap, servers, Ca.CORP_CA, Set.of(Client.CURL), Verdict.TRUSTED);
            assertKeptItsState(containerd, upgraded, next, before, servers);
          });
    }
  }

  @Test
  void failClosedStopsAPodStartedInTheGapAndItsRestartIsInjectedInFull(Containerd containerd)
      throws Exception {
    try (TlsServers servers = TlsServers.start()) {
      rollout(
          containerd,
          "closed",
          (upgraded, next, before, gap) -> {
            gap.awaitExited(LATE_TIMEOUT);
            String stoppedId = gap.containerId().substring(0, 12);
            awaitLogLine(
                next,
                l ->
                    l.contains(stoppedId)
                        && (l.contains("\"action\":\"killed\"")
                            || l.contains("\"action\":\"evicted\"")));
            try (RunningPod restarted = gap.restartContainer()) {
              ContainerReport full =
                  awaitState(containerd, upgraded, next, restarted, ContainerReport.State.INJECTED);
              assertThat(full.distro()).isEqualTo("debian");
              assertThat(restarted.execOk(EXEC, "cat", "/etc/cainjekt/status.json"))
                  .contains("debian");
              TrustChecks.assertEvery(
                  restarted,
                  servers,
                  Ca.CORP_CA,
                  Set.of(Client.CURL, Client.JAVA),
                  Verdict.TRUSTED);
            }
            assertKeptItsState(containerd, upgraded, next, before, servers);
          });
    }
  }

  /** What a test checks once the new plugin is ready. */
  private interface AfterRollout {
    void check(ChartDeployment upgraded, KubeletPod next, RunningPod before, RunningPod gap)
        throws Exception;
  }

  /**
   * Injects a pod under the old plugin, stops the old plugin, starts a pod in the gap, starts the
   * plugin of the newer tag and waits for it to be ready, then runs {@code after}.
   */
  private void rollout(Containerd containerd, String failPolicy, AfterRollout after)
      throws Exception {
    String debian = E2eImages.ensure(containerd, List.of("debian-tls")).get("debian-tls");
    PluginImage image = PluginImage.buildAndImport(containerd, "rollout-1");
    String newer = containerd.tagImage(image.reference(), "localhost/cainjekt:rollout-2");
    ChartDeployment chart =
        ChartDeployment.render(
            containerd, image.reference(), work, "plugin.failPolicy=" + failPolicy);
    KubeletPod old = chart.start(containerd, "cainjekt-old");
    RunningPod before;
    try {
      chart.awaitReady(old);
      before = app(containerd, "rollout-before", debian);
    } finally {
      old.stopContainer();
      old.close();
    }
    long stopped = System.nanoTime();
    try (RunningPod b = before;
        RunningPod gap = app(containerd, "rollout-gap", debian)) {
      assertThat(gap.exec(EXEC, "test", "-e", "/etc/cainjekt/status.json").exitCode())
          .as("no plugin during the gap: started without injection")
          .isNotZero();
      String statusBefore = b.execOk(EXEC, "cat", "/etc/cainjekt/status.json");
      ChartDeployment upgraded = chart.withImage(newer);
      try (KubeletPod next = upgraded.start(containerd, "cainjekt-new")) {
        upgraded.awaitReady(next);
        System.out.printf(
            "rollout (fail policy %s): old plugin stopped -> new plugin ready in %d ms%n",
            failPolicy, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));
        after.check(upgraded, next, b, gap);
        assertThat(b.execOk(EXEC, "cat", "/etc/cainjekt/status.json")).isEqualTo(statusBefore);
      }
    }
  }

  /**
   * Waits for the plugin's line that {@code wanted} accepts: it may follow the container's exit.
   */
  private static void awaitLogLine(KubeletPod plugin, Predicate<String> wanted) throws Exception {
    long deadline = System.nanoTime() + LATE_TIMEOUT.toNanos();
    while (Files.readAllLines(plugin.logFile()).stream().noneMatch(wanted)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no such line of the plugin within "
                + LATE_TIMEOUT
                + ": "
                + Files.readAllLines(plugin.logFile()));
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** A container injected before the rollout is reported as injected, and still trusts. */
  private static void assertKeptItsState(
      Containerd containerd,
      ChartDeployment upgraded,
      KubeletPod next,
      RunningPod before,
      TlsServers servers)
      throws Exception {
    ContainerReport kept = report(containerd, upgraded, next, before);
    assertThat(kept.state()).as("injected before").isEqualTo(ContainerReport.State.INJECTED);
    assertThat(kept.distro()).as("distro of a container injected before").isEqualTo("debian");
    TrustChecks.assertEvery(
        before, servers, Ca.CORP_CA, Set.of(Client.CURL, Client.JAVA), Verdict.TRUSTED);
  }

  private static RunningPod app(Containerd containerd, String name, String image) {
    return RunningPod.start(
        containerd.cri(),
        PodSpec.of("rollout-e2e", name).withAnnotations(OPT_IN),
        ContainerSpec.of("app", image).withCommand("sleep", "infinity"));
  }

  /** The plugin's report on {@code app}, from {@code cainjekt inspect --json} in its container. */
  private static ContainerReport report(
      Containerd containerd, ChartDeployment chart, KubeletPod plugin, RunningPod app)
      throws Exception {
    ExecResult r =
        containerd
            .cri()
            .execSync(
                plugin.containerId(),
                EXEC,
                "cainjekt",
                "inspect",
                "--json",
                "--http-address=127.0.0.1:" + chart.probe(ProbeKind.READINESS).port(),
                app.containerId().substring(0, 12));
    if (r.exitCode() != 0) {
      throw new AssertionError("cainjekt inspect: " + r);
    }
    List<ContainerReport> reports = ContainerReportCodec.decode(r.stdoutBytes());
    return reports.stream()
        .filter(c -> c.id().equals(app.containerId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no report on " + app.containerId() + ": " + r));
  }

  private static ContainerReport awaitState(
      Containerd containerd,
      ChartDeployment chart,
      KubeletPod plugin,
      RunningPod app,
      ContainerReport.State state)
      throws Exception {
    long deadline = System.nanoTime() + LATE_TIMEOUT.toNanos();
    while (true) {
      ContainerReport r = report(containerd, chart, plugin, app);
      if (r.state() == state) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not " + state + " within " + LATE_TIMEOUT + ": " + r);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
