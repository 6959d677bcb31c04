// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cainjekt.deploy.KubeletPlan.Probe;
import io.cainjekt.deploy.KubeletPlan.ProbeKind;
import io.cainjekt.deploy.PodTemplateTranslator.Node;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The chart rendered for one node of the e2e containerd ({@code helm template} with the plugin
 * image's repository and tag, the e2e NRI socket, a staging directory under the test's work
 * directory and CorpCA as the bundle's PEM), its ConfigMap projected as the kubelet projects it,
 * and pods of it started as the kubelet starts them. Not thread-safe.
 *
 * @param plan what the kubelet runs, from the rendered DaemonSet
 * @param bundle the projected ConfigMap of the default bundle
 * @param work where the node's directories and the pods' volumes and logs are
 */
record ChartDeployment(KubeletPlan plan, ConfigMapProjection bundle, Path work) {

  /** How long a pod may take from its creation to a passing readiness probe. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private static final Duration POLL = Duration.ofMillis(200);

  /**
   * Renders the chart for {@code image} (a {@code repository:tag} reference), with {@code values}
   * ({@code key=value}, as {@code --set} takes them) on top of the node's.
   */
  static ChartDeployment render(Containerd containerd, String image, Path work, String... values)
      throws IOException, InterruptedException {
    int colon = image.lastIndexOf(':');
    List<String> args =
        new ArrayList<>(
            List.of(
                "--set", "image.repository=" + image.substring(0, colon),
                "--set", "image.tag=" + image.substring(colon + 1),
                "--set", "plugin.nriSocket=" + containerd.nriSocket(),
                "--set", "plugin.stagingDir=" + work.resolve("node/run/cainjekt"),
                "--set", "bundles[0].existingConfigMap=",
                "--set-file", "bundles[0].pem=" + Pki.caCertificate(Ca.CORP_CA)));
    for (String value : values) {
      args.add("--set");
      args.add(value);
    }
    List<JsonNode> docs = DeployTools.template(args.toArray(String[]::new));
    KubeletPlan plan =
        PodTemplateTranslator.translate(Manifests.daemonSet(docs), new Node("e2e"), "cainjekt-x");
    JsonNode configMap = Manifests.ofKind(docs, "ConfigMap").getFirst();
    String name = configMap.path("metadata").path("name").asText();
    ConfigMapProjection bundle =
        ConfigMapProjection.project(
            work.resolve("configmaps").resolve(name),
            Map.of("ca.pem", configMap.path("data").path("ca.pem").asText()));
    return new ChartDeployment(plan, bundle, work);
  }

  /** The staging directory on the node (a hostPath of the chart). */
  Path staging() {
    return work.resolve("node/run/cainjekt");
  }

  /** The same deployment with its container's image replaced, as a chart upgrade renders it. */
  ChartDeployment withImage(String image) {
    KubeletPlan.Container upgraded =
        plan.container().with(image, plan.container().addCapabilities());
    return new ChartDeployment(
        new KubeletPlan(plan.sandbox(), upgraded, plan.volumes(), plan.probes()), bundle, work);
  }

  /** Runs pod {@code name} of the DaemonSet and starts its container; does not wait for ready. */
  KubeletPod start(Containerd containerd, String name) throws IOException {
    Path podDir = Files.createDirectories(work.resolve("pods").resolve(name));
    KubeletPod pod =
        KubeletPod.runSandbox(
            containerd.cri(),
            plan,
            "cainjekt",
            name,
            podDir,
            Map.of(bundle.dir().getFileName().toString(), bundle));
    try {
      pod.startContainer();
      return pod;
    } catch (RuntimeException e) {
      pod.close();
      throw e;
    }
  }

  /** The probe of {@code kind}. */
  Probe probe(ProbeKind kind) {
    return plan.probes().stream().filter(p -> p.kind() == kind).findFirst().orElseThrow();
  }

  /** Polls {@code pod}'s readiness probe until it passes, as the kubelet would (more often). */
  void awaitReady(KubeletPod pod) throws IOException, InterruptedException {
    Probe readiness = probe(ProbeKind.READINESS);
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!KubeletProbes.get(pod.ip(), readiness)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "readiness probe not passing within "
                + READY_TIMEOUT
                + ": "
                + Files.readAllLines(pod.logFile()));
      }
      TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
    }
  }
}
