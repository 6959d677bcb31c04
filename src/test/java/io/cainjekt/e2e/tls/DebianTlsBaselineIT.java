// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.ExecResult;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.images.TestImage;
import io.cainjekt.e2e.images.TestImages;
import io.cainjekt.e2e.tls.Pki.Ca;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 3's baseline, in a real container under containerd + runc and without cainjekt: every
 * client of {@code debian-tls} trusts FakePublicRoot (baked into the image) and rejects CorpCA. The
 * pod uses the host network, so tls-check reaches {@link TlsServers} on 127.0.0.1.
 */
@ExtendWith(ContainerdExtension.class)
class DebianTlsBaselineIT {

  private static final Duration TLS_CHECK_TIMEOUT = Duration.ofMinutes(3);
  private static final Set<Client> ALL = EnumSet.allOf(Client.class);

  private static TlsServers servers;
  private static RunningPod pod;

  @BeforeAll
  static void startDebianTlsPod(Containerd containerd) throws Exception {
    Path repo = Path.of(System.getProperty("cainjekt.basedir", ".")).toAbsolutePath();
    TestImage image = TestImages.build(repo, List.of("debian-tls"), true).get("debian-tls");
    String reference = containerd.ensureImage(image.archive().orElseThrow(), image.reference());
    servers = TlsServers.start();
    pod =
        RunningPod.start(
            containerd.cri(),
            PodSpec.of("e2e-baseline", "debian-tls"),
            ContainerSpec.of("main", reference).withCommand("sleep", "infinity"));
  }

  @AfterAll
  static void stop() {
    if (pod != null) {
      pod.close();
    }
    if (servers != null) {
      servers.close();
    }
  }

  @Test
  void everyClientTrustsFakePublicRoot() {
    assertVerdicts(Ca.FAKE_PUBLIC_ROOT, Verdict.TRUSTED);
  }

  @Test
  void everyClientRejectsCorpCa() {
    assertVerdicts(Ca.CORP_CA, Verdict.UNTRUSTED);
  }

  @Test
  void everyClientRejectsCorpCaIssuedChain() {
    assertVerdicts(Ca.CORP_ISSUING, Verdict.UNTRUSTED);
  }

  @Test
  void imageHasNoCainjektTraces() {
    ExecResult ls = pod.exec(Duration.ofSeconds(10), "ls", "/etc/cainjekt");
    assertThat(ls.exitCode()).as("no /etc/cainjekt without the plugin").isNotZero();
    assertThat(pod.execOk(Duration.ofSeconds(10), "env")).doesNotContain("cainjekt");
  }

  private static void assertVerdicts(Ca ca, Verdict expected) {
    List<String> command = TlsCheck.command(servers.url(ca), ALL);
    ExecResult result = pod.exec(TLS_CHECK_TIMEOUT, command.toArray(String[]::new));
    assertThat(result.exitCode()).as("tls-check exit, stderr: %s", result.stderr()).isZero();
    Map<Client, ClientResult> results = TlsCheck.parse(result.stdout());
    assertThat(TlsCheck.mismatches(results, ALL, expected))
        .as("clients whose verdict against %s is not %s", ca, expected)
        .isEmpty();
  }
}
