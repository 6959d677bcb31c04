// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.ExecResult;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Namespace-label opt-in through a Kubernetes API: fabric8's mock API server in CRUD mode on
 * loopback, the plugin process pointed at it with {@code --kubeconfig}, real pods on containerd.
 */
@ExtendWith(ContainerdExtension.class)
class NamespaceLabelIT {

  private static final Duration EXEC = Duration.ofSeconds(30);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path work;

  private static FakeKubernetesApi api;
  private static KubernetesClient client;
  private static InjectingPlugin plugin;
  private static Containerd containerd;
  private static String debian;

  @BeforeAll
  static void start(Containerd ctrd) throws Exception {
    containerd = ctrd;
    debian = E2eImages.ensure(ctrd, List.of("debian-tls")).get("debian-tls");
    api = FakeKubernetesApi.start();
    client = api.client();
    namespace("team-labelled", Map.of("cainjekt.io/enabled", "true"));
    namespace("team-plain", Map.of());
    Path kubeconfig = api.kubeconfig(work.resolve("kubeconfig"));
    plugin =
        InjectingPlugin.start(
            ctrd,
            work.resolve("plugin"),
            Pki.caCertificate(Ca.CORP_CA),
            "--kubeconfig",
            kubeconfig.toString());
    plugin.process().log().awaitLineContaining(0, "kubernetes: namespace cache synced", EXEC);
  }

  private static void namespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  @AfterAll
  static void stop() {
    if (plugin != null) {
      plugin.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static RunningPod run(String namespace, Map<String, String> annotations) {
    return RunningPod.start(
        containerd.cri(),
        PodSpec.of(namespace, "app-" + namespace).withAnnotations(annotations),
        ContainerSpec.of("app", debian).withCommand("sleep", "infinity"));
  }

  @Test
  void podInALabelledNamespaceIsInjectedWithoutAnyAnnotation() {
    try (RunningPod pod = run("team-labelled", Map.of())) {
      assertThat(pod.execOk(EXEC, "cat", "/etc/cainjekt/status.json")).contains("debian");
    }
  }

  @Test
  void podOptOutWinsOverTheNamespaceLabel() {
    try (RunningPod pod = run("team-labelled", Map.of("cainjekt.io/enabled", "false"))) {
      ExecResult ls = pod.exec(EXEC, "ls", "/etc/cainjekt");
      assertThat(ls.exitCode()).isNotZero();
    }
  }

  @Test
  void podInANamespaceWithoutTheLabelIsUntouched() {
    try (RunningPod pod = run("team-plain", Map.of())) {
      assertThat(pod.exec(EXEC, "ls", "/etc/cainjekt").exitCode()).isNotZero();
    }
  }
}
