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
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real plugin under {@code setpriv} with exactly the capabilities docs/security.md documents
 * (uid 0, bounding set SYS_PTRACE, DAC_OVERRIDE, CHOWN, everything else dropped) injects an
 * opted-in container, including a trust store owned by a non-root user; with any one of the three
 * missing it exits 1 naming the capability and what needs it.
 */
@ExtendWith(ContainerdExtension.class)
class LeastPrivilegeIT {

  private static final Duration EXEC = Duration.ofSeconds(30);
  private static final List<String> DOCUMENTED = List.of("sys_ptrace", "dac_override", "chown");

  /** CapEff of exactly CHOWN (bit 0), DAC_OVERRIDE (bit 1) and SYS_PTRACE (bit 19). */
  private static final String DOCUMENTED_CAP_EFF = "0000000000080003";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  /** An executable that runs the test JVM's java under setpriv with only {@code caps}. */
  private Path javaWith(List<String> caps) throws IOException {
    Path java = PluginLaunch.defaultJava();
    String bounding = "-all" + String.join("", caps.stream().map(c -> ",+" + c).toList());
    Path wrapper = work.resolve("java-" + String.join("-", caps));
    Files.writeString(
        wrapper,
        "#!/bin/sh\nexec setpriv --bounding-set="
            + bounding
            + " --inh-caps=-all "
            + java
            + " \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return wrapper;
  }

  private static String capEff(long pid) throws IOException {
    return Files.readString(Path.of("/proc/" + pid + "/status"))
        .lines()
        .filter(l -> l.startsWith("CapEff:"))
        .map(l -> l.substring("CapEff:".length()).strip())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void withExactlyTheDocumentedCapabilitiesAUserOwnedTrustStoreIsInjected(Containerd containerd)
      throws Exception {
    String image = HostileImages.ensure(containerd, "user-owned-certs");
    try (InjectingPlugin plugin =
            InjectingPlugin.start(
                containerd,
                work.resolve("plugin"),
                Pki.caCertificate(Ca.CORP_CA),
                Optional.of(javaWith(DOCUMENTED)));
        RunningPod pod =
            RunningPod.start(
                containerd.cri(),
                PodSpec.of("least-privilege", "app")
                    .withAnnotations(Map.of("cainjekt.io/enabled", "true")),
                ContainerSpec.of("app", image).withCommand("sleep", "infinity"))) {
      assertThat(capEff(plugin.process().pid())).isEqualTo(DOCUMENTED_CAP_EFF);
      String bundle = pod.execOk(EXEC, "cat", "/etc/ssl/certs/ca-certificates.crt");
      assertThat(bundle)
          .as("the image's own bundle keeps its root and gains CorpCA")
          .contains(TrustChecks.pemBody(Ca.FAKE_PUBLIC_ROOT), TrustChecks.pemBody(Ca.CORP_CA));
      assertThat(pod.execOk(EXEC, "stat", "-c", "%u:%g %a", "/etc/ssl/certs/ca-certificates.crt"))
          .as("owner and mode kept")
          .isEqualToIgnoringWhitespace("1000:1000 644");
      assertThat(pod.execOk(EXEC, "cat", "/etc/cainjekt/status.json")).doesNotContain("failed");
      assertThat(plugin.process().log().lines()).noneMatch(l -> l.contains("inject: failed"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sys_ptrace", "dac_override", "chown"})
  void withOneDocumentedCapabilityMissingThePluginExitsNamingIt(
      String missing, Containerd containerd) throws Exception {
    List<String> caps = DOCUMENTED.stream().filter(c -> !c.equals(missing)).toList();
    try (PluginProcess plugin =
        PluginLaunch.of(containerd, work.resolve("plugin.log")).withJava(javaWith(caps)).launch()) {
      String capability = "CAP_" + missing.toUpperCase(Locale.ROOT);
      String line = plugin.awaitLine(0, "missing capability " + capability, Duration.ofSeconds(60));
      assertThat(line).startsWith("cainjekt run: missing capability " + capability + ": needed to");
      ProcessHandle.of(plugin.pid())
          .ifPresent(h -> h.onExit().orTimeout(60, TimeUnit.SECONDS).join());
      assertThat(plugin.stop()).isEqualTo(1);
      assertThat(plugin.log().lines())
          .noneMatch(l -> l.contains("nri: synchronized") || l.contains("nri: connected"));
    }
  }
}
