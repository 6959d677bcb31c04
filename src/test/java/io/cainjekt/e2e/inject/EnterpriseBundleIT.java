// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.ContainerSpec;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.ExecResult;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.tls.Client;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.cainjekt.e2e.tls.TlsServers;
import io.cainjekt.e2e.tls.Verdict;
import io.cainjekt.trust.TestPki;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * An enterprise-size bundle on the real containerd: 300 CAs (CorpCA and 299 generated ones). Every
 * client trusts CorpCA through the app env and through the OS store alone, the OS bundle gains
 * exactly the 300 certificates, the generated CAs are found through the hashed directory, and the
 * image's own {@code update-ca-certificates --fresh} keeps all of them.
 */
@ExtendWith(ContainerdExtension.class)
class EnterpriseBundleIT {

  private static final int CAS = 300;
  private static final Duration EXEC = Duration.ofSeconds(30);
  private static final Duration UPDATE_CA_CERTIFICATES = Duration.ofMinutes(2);
  private static final Set<Client> ALL = EnumSet.allOf(Client.class);
  private static final String OS_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
  private static final String ANCHOR_DIR = "/usr/local/share/ca-certificates";
  private static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant NOT_AFTER = Instant.parse("2045-01-01T00:00:00Z");

  @AutoClose private static final TlsServers servers = TlsServers.start();

  private static Containerd containerd;
  private static String debian;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @BeforeAll
  static void importDebianTls(Containerd ctrd) throws Exception {
    containerd = ctrd;
    debian = E2eImages.ensure(ctrd, List.of("debian-tls")).get("debian-tls");
  }

  @Test
  void everyClientTrustsAThreeHundredCaBundleAndUpdateCaCertificatesFreshKeepsIt()
      throws Exception {
    Path bundle = work.resolve("enterprise.pem");
    Files.write(bundle, enterpriseBundle());
    List<String> ours = fingerprints(Pki.certificates(Files.readAllBytes(bundle)));
    assertThat(ours).hasSize(CAS);
    ContainerSpec app = ContainerSpec.of("app", debian).withCommand("sleep", "infinity");
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, bundle);
        RunningPod plain =
            RunningPod.start(containerd.cri(), PodSpec.of("e2e-enterprise", "plain"), app);
        RunningPod pod =
            RunningPod.start(
                containerd.cri(),
                PodSpec.of("e2e-enterprise", "opted-in")
                    .withAnnotations(Map.of("cainjekt.io/enabled", "true")),
                app)) {
      List<String> image = fingerprints(Pki.certificates(cat(plain, OS_BUNDLE)));

      TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA, ALL, Verdict.TRUSTED);
      TrustChecks.assertEvery(pod, servers, Ca.CORP_CA, ALL, Verdict.TRUSTED);
      SoftAssertions softly = new SoftAssertions();
      assertGainedExactlyOurs(softly, pod, image, ours, "after injection");
      assertFoundThroughTheHashedDirectory(softly, pod, ours);
      // one link to the anchors mounted with the container stands for 300 files per container
      softly
          .assertThat(pod.exec(EXEC, "ls", "-A", ANCHOR_DIR).stdout().lines())
          .as("entries of " + ANCHOR_DIR + " (the image has one anchor of its own)")
          .contains("cainjekt")
          .noneMatch(name -> name.matches("cainjekt-[0-9a-f]{64}\\.crt"));
      softly
          .assertThat(pod.exec(EXEC, "readlink", ANCHOR_DIR + "/cainjekt").stdout().strip())
          .isEqualTo("/etc/cainjekt/anchors");
      softly
          .assertThat(pod.exec(EXEC, "sh", "-c", "ls /etc/cainjekt/anchors | wc -l").stdout())
          .isEqualToIgnoringWhitespace(String.valueOf(CAS));

      // the next container of the image replays the plan: its 300 links made as runs in one
      // directory (RootFs.applyAll), every one of them there and found by hash
      long mark = plugin.logMark();
      try (RunningPod next =
          RunningPod.start(
              containerd.cri(),
              PodSpec.of("e2e-enterprise", "opted-in-again")
                  .withAnnotations(Map.of("cainjekt.io/enabled", "true")),
              app)) {
        String injected = plugin.awaitInjected(mark, "opted-in-again", EXEC);
        softly.assertThat(injected).as("second pod's injection").contains("plan=\"replayed\"");
        TrustChecks.assertOsStore(next, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
        assertGainedExactlyOurs(softly, next, image, ours, "in a replayed container");
        assertFoundThroughTheHashedDirectory(softly, next, ours);
        softly
            .assertThat(
                next.exec(
                        EXEC,
                        "sh",
                        "-c",
                        "find /etc/ssl/certs -maxdepth 1 -lname '/etc/cainjekt/anchors/*' | wc -l")
                    .stdout())
            .as("hash links into the mounted anchors in a replayed container")
            .isEqualToIgnoringWhitespace(String.valueOf(CAS));
      }

      pod.execOk(UPDATE_CA_CERTIFICATES, "update-ca-certificates", "--fresh");
      TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      assertGainedExactlyOurs(softly, pod, image, ours, "after update-ca-certificates --fresh");
      assertFoundThroughTheHashedDirectory(softly, pod, ours);
      softly.assertAll();
    }
  }

  /** CorpCA, then 299 generated self-signed CAs. */
  private static byte[] enterpriseBundle() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Files.readAllBytes(Pki.caCertificate(Ca.CORP_CA)));
    for (int i = 1; i < CAS; i++) {
      String pem =
          TestPki.deterministicRootCa("cainjekt enterprise ca " + i, i, NOT_BEFORE, NOT_AFTER)
              .pem();
      out.writeBytes(pem.getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  /** The OS bundle holds the image's certificates and exactly ours beyond them. */
  private static void assertGainedExactlyOurs(
      SoftAssertions softly, RunningPod pod, List<String> image, List<String> ours, String when)
      throws Exception {
    List<String> now = fingerprints(Pki.certificates(cat(pod, OS_BUNDLE)));
    List<String> gained = new ArrayList<>(now);
    image.forEach(gained::remove);
    softly
        .assertThat(gained)
        .as("certificates of %s beyond the image's %d, %s", OS_BUNDLE, image.size(), when)
        .containsExactlyInAnyOrderElementsOf(ours);
    softly.assertThat(new HashSet<>(now)).as("image's kept, " + when).containsAll(image);
  }

  /**
   * OpenSSL finds a few of the generated CAs by subject hash alone ({@code -CApath}, no bundle):
   * their hash links lead to their anchor files, in the anchors mounted with the container and
   * linked from the image's anchor directory.
   */
  private static void assertFoundThroughTheHashedDirectory(
      SoftAssertions softly, RunningPod pod, List<String> ours) {
    for (int i : List.of(1, CAS / 2, CAS - 1)) {
      // the mounted anchors are named by the first 20 hex of the SHA-256
      String anchor = ANCHOR_DIR + "/cainjekt/cainjekt-" + ours.get(i).substring(0, 20) + ".crt";
      ExecResult verify =
          pod.exec(EXEC, "openssl", "verify", "-no-CAfile", "-CApath", "/etc/ssl/certs", anchor);
      softly
          .assertThat(verify.exitCode())
          .as("openssl verify -CApath of %s: %s %s", anchor, verify.stdout(), verify.stderr())
          .isZero();
    }
  }

  private static byte[] cat(RunningPod pod, String path) {
    ExecResult cat = pod.exec(EXEC, "cat", path);
    assertThat(cat.exitCode()).as("cat " + path + ": " + cat.stderr()).isZero();
    return cat.stdoutBytes();
  }

  private static List<String> fingerprints(List<X509Certificate> certificates) throws Exception {
    List<String> out = new ArrayList<>();
    for (X509Certificate c : certificates) {
      out.add(
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded())));
    }
    return out;
  }
}
