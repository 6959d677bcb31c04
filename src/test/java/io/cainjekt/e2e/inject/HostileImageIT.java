// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile images (e2e/hostile-images.sh) on the real containerd, opted in, fail-open: each
 * container starts, nothing on the host changes (a canary file the image links to, host trust
 * stores, directory listings), the link in the image is left as it was, the plugin counts one
 * start_container error and one rejected input of the case's kind, and sends exactly one Event to
 * the (fake) Kubernetes API.
 */
@ExtendWith(ContainerdExtension.class)
class HostileImageIT {

  private static final Duration EXEC = Duration.ofSeconds(30);
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(30);
  private static final Path CANARY = Path.of("/etc/cainjekt-hostile-canary");
  private static final String BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
  private static final List<String> KINDS =
      List.of(
          "rootfs_escape",
          "symlink_loop",
          "dangling_symlink",
          "not_regular_file",
          "oversized_file");

  /** One image each; {@code link} is a symlink in the image that must be left as it was. */
  enum Case {
    BUNDLE_ABSOLUTE_LINK("dangling_symlink", BUNDLE, BUNDLE, CANARY.toString()),
    BUNDLE_DOTDOT_LINK("rootfs_escape", BUNDLE, BUNDLE, "../../../../.." + CANARY),
    CERTS_TO_PROC("rootfs_escape", "/etc/ssl/certs", "/etc/ssl/certs", "/proc"),
    CERTS_TO_ROOT("rootfs_escape", "/etc/ssl/certs", "/etc/ssl/certs", "/"),
    BUNDLE_FIFO("not_regular_file", BUNDLE, null, null),
    BUNDLE_DIRECTORY("not_regular_file", BUNDLE, null, null),
    BUNDLE_HUGE("oversized_file", BUNDLE, null, null),
    OS_RELEASE_LOOP("symlink_loop", "/etc/os-release", "/etc/os-release", "os-release.loop");

    final String kind;
    final String reported;
    final Optional<String> link;
    final String linkTarget;

    Case(String kind, String reported, String link, String linkTarget) {
      this.kind = kind;
      this.reported = reported;
      this.link = Optional.ofNullable(link);
      this.linkTarget = linkTarget;
    }

    String imageName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    String image() {
      return "localhost/cainjekt-e2e/hostile-" + imageName() + ":latest";
    }

    String namespace() {
      return "hostile-" + imageName();
    }
  }

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path work;

  private static FakeKubernetesApi api;
  private static InjectingPlugin plugin;
  private static Containerd containerd;
  private static String canary;

  @BeforeAll
  static void start(Containerd ctrd) throws Exception {
    containerd = ctrd;
    for (Case c : Case.values()) {
      HostileImages.ensure(ctrd, c.imageName());
    }
    canary = "cainjekt hostile-image canary " + UUID.randomUUID() + "\n";
    Files.writeString(CANARY, canary);
    api = FakeKubernetesApi.start();
    plugin =
        InjectingPlugin.start(
            ctrd,
            work.resolve("plugin"),
            Pki.caCertificate(Ca.CORP_CA),
            "--kubeconfig",
            api.kubeconfig(work.resolve("kubeconfig")).toString());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (plugin != null) {
        plugin.close();
      }
      if (api != null) {
        api.close();
      }
    } finally {
      Files.deleteIfExists(CANARY);
    }
  }

  private static HostSnapshot host() {
    return HostSnapshot.of(
        List.of(CANARY, Path.of(BUNDLE), Path.of("/etc/os-release"), Path.of("/etc/ssl/cert.pem")),
        List.of(
            Path.of("/"),
            Path.of("/etc"),
            Path.of("/etc/ssl"),
            Path.of("/etc/ssl/certs"),
            Path.of("/usr/local/share/ca-certificates")));
  }

  private static Map<String, Double> counters() {
    Map<String, Double> out = new TreeMap<>();
    out.put("errors", plugin.sample("cainjekt_errors_total{phase=\"start_container\"}"));
    for (String kind : KINDS) {
      out.put(kind, plugin.sample("cainjekt_rejected_inputs_total{kind=\"" + kind + "\"}"));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void hostileImageStartsChangesNothingOutsideAndIsReportedOnce(Case c) throws Exception {
    HostSnapshot before = host();
    Map<String, Double> expected = counters();
    expected.merge("errors", 1.0, Double::sum);
    expected.merge(c.kind, 1.0, Double::sum);
    try (RunningPod pod =
        RunningPod.start(
            containerd.cri(),
            PodSpec.of(c.namespace(), "app").withAnnotations(Map.of("cainjekt.io/enabled", "true")),
            ContainerSpec.of("app", c.image()).withCommand("sleep", "infinity"))) {
      assertThat(pod.execOk(EXEC, "cat", "/etc/cainjekt/status.json"))
          .as("status.json names the refused path")
          .contains(c.reported);
      assertThat(pod.exec(EXEC, "test", "-e", CANARY.toString()).exitCode())
          .as("nothing created at the link's target inside the container")
          .isNotZero();
      if (c.link.isPresent()) {
        assertThat(pod.execOk(EXEC, "readlink", c.link.get()).strip()).isEqualTo(c.linkTarget);
      }
      assertThat(counters()).isEqualTo(expected);
      Event event = awaitOneEvent(c.namespace());
      assertThat(event.getReason()).isEqualTo("CAInjectionRefused");
      assertThat(event.getType()).isEqualTo("Warning");
      assertThat(event.getMessage()).contains(c.reported);
    }
    assertThat(Files.readString(CANARY)).isEqualTo(canary);
    assertThat(host()).isEqualTo(before);
    assertThat(api.events(c.namespace())).hasSize(1);
    assertThat(counters()).isEqualTo(expected);
  }

  /**
   * A JDK's cacerts is only ever read (truststore.p12 is staged, the JDK is not rewritten), and
   * read inside the root: linked to a host file it is a JDK without cacerts, as on Debian before
   * ca-certificates-java runs. Not an error: nothing counted, no Event.
   */
  @Test
  void jdkCacertsLinkedToAHostFileIsNeitherReadNorWrittenThrough() {
    String name = "jdk-cacerts-link";
    String image = HostileImages.ensure(containerd, name);
    HostSnapshot before = host();
    Map<String, Double> counters = counters();
    try (RunningPod pod =
        RunningPod.start(
            containerd.cri(),
            PodSpec.of("hostile-" + name, "app")
                .withAnnotations(Map.of("cainjekt.io/enabled", "true")),
            ContainerSpec.of("app", image).withCommand("sleep", "infinity"))) {
      assertThat(pod.execOk(EXEC, "cat", "/etc/cainjekt/status.json"))
          .contains("/opt/java/openjdk", "no JDK has a cacerts file");
      assertThat(pod.execOk(EXEC, "readlink", "/opt/java/openjdk/lib/security/cacerts").strip())
          .isEqualTo(CANARY.toString());
      assertThat(pod.exec(EXEC, "test", "-e", CANARY.toString()).exitCode()).isNotZero();
      assertThat(counters()).isEqualTo(counters);
    }
    assertThat(host()).isEqualTo(before);
    assertThat(api.events("hostile-" + name)).isEmpty();
  }

  /** Waits for the first Event in {@code namespace}, then checks it stays the only one. */
  private static Event awaitOneEvent(String namespace) {
    List<Event> events = api.awaitEvents(namespace, EVENT_TIMEOUT);
    assertThat(events).as("events in " + namespace).hasSize(1);
    return events.getFirst();
  }
}
