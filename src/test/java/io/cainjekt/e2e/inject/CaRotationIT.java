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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
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
 * Rotating a CA out on the real containerd: when the bundle changes from CorpCA to CorpCA-2, every
 * running injected container converges so that CorpCA is trusted nowhere the plugin wrote it (OS
 * bundle, anchors, hashed directory, the distro's Java store, /etc/cainjekt), while the image's own
 * certificates stay byte for byte and a later {@code update-ca-certificates --fresh} does not bring
 * CorpCA back. Each test starts its own plugin; the store checks are soft, so a failure lists every
 * store that still trusts CorpCA.
 */
@ExtendWith(ContainerdExtension.class)
class CaRotationIT {

  private static final Duration EXEC = Duration.ofSeconds(30);
  private static final Duration ROTATION = Duration.ofSeconds(60);
  private static final Duration UPDATE_CA_CERTIFICATES = Duration.ofMinutes(2);
  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");
  private static final Set<Client> ALL = EnumSet.allOf(Client.class);
  private static final String OS_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
  private static final String ANCHOR_DIR = "/usr/local/share/ca-certificates";
  private static final String OWNERSHIP = "/etc/cainjekt/ownership";
  private static final long NON_ROOT_UID = 1000;
  private static final Set<Client> CURL = Set.of(Client.CURL);

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
  void rotatingACaOutRemovesItFromEveryStoreOfARunningContainer() throws Exception {
    ContainerSpec app = ContainerSpec.of("app", debian);
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa());
        RunningPod plain = run("rotate-out-plain", app, false);
        RunningPod pod = run("rotate-out", app, true)) {
      byte[] image = osBundle(plain);
      TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA, ALL, Verdict.TRUSTED);

      rotateToCorpCa2(plugin, pod);

      assertThat(sha256(osBundle(plain))).as("plain pod's " + OS_BUNDLE).isEqualTo(sha256(image));
      SoftAssertions softly = new SoftAssertions();
      assertRotatedOut(softly, pod, ALL, ALL);
      assertOsBundleIsTheImagesPlusCorpCa2(softly, pod, image);
      assertNoCopyOfCorpCa(softly, pod);
      softly
          .assertThat(pod.exec(EXEC, "test", "-f", OWNERSHIP).exitCode())
          .as(OWNERSHIP + " exists")
          .isZero();

      // the image's own tool rebuilds the store from its anchors: CorpCA must not come back
      pod.execOk(UPDATE_CA_CERTIFICATES, "update-ca-certificates", "--fresh");
      assertRotatedOut(softly, pod, Client.OS_LEVEL, Set.of());
      softly.assertAll();
    }
  }

  @Test
  void rotatingOutOnAReadOnlyRootAndInANonRootContainer() throws Exception {
    // like a pod with readOnlyRootFilesystem and an emptyDir at /tmp (tls-check needs mktemp)
    Path tmp = Files.createDirectories(work.resolve("ro-tmp"));
    ContainerSpec readOnly =
        ContainerSpec.of("app", debian).withReadonlyRootfs(true).withMount(tmp, "/tmp", false);
    ContainerSpec nonRoot = ContainerSpec.of("app", debian).withRunAsUser(NON_ROOT_UID);
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa());
        RunningPod ro = run("rotate-out-read-only", readOnly, true);
        RunningPod user = run("rotate-out-non-root", nonRoot, true)) {
      assertThat(ro.exec(EXEC, "touch", "/etc/probe").exitCode())
          .as("rootfs is read-only")
          .isNotZero();
      assertThat(user.execOk(EXEC, "id", "-u").strip()).isEqualTo(Long.toString(NON_ROOT_UID));
      for (RunningPod pod : List.of(ro, user)) {
        TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);
      }

      rotateToCorpCa2(plugin, ro, user);

      SoftAssertions.assertSoftly(
          softly -> {
            for (RunningPod pod : List.of(ro, user)) {
              assertRotatedOut(softly, pod, Client.OS_LEVEL, Set.of());
            }
          });
    }
  }

  @Test
  void aPluginKilledAroundARotationConvergesAfterItsRestart() throws Exception {
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa());
        RunningPod pod = run("rotate-out-restart", ContainerSpec.of("app", debian), true)) {
      TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA, Client.OS_LEVEL, Verdict.TRUSTED);

      plugin.kill();
      plugin.replaceBundle(Pki.caCertificate(Ca.CORP_CA2));
      plugin.restart(); // a new log: Synchronize finds the container outdated and rotates it
      String synced =
          plugin.process().log().awaitLineContaining(0, "inject: synchronized", ROTATION);
      String rotated = awaitRotated(plugin, 0, pod);
      List<String> lines = plugin.process().log().lines();
      assertThat(lines.indexOf(rotated))
          .as("rotated after synchronized")
          .isGreaterThan(lines.indexOf(synced));

      SoftAssertions.assertSoftly(softly -> assertRotatedOut(softly, pod, Client.OS_LEVEL, ALL));
    }
  }

  @Test
  void anImageThatShipsTheCaItselfKeepsItWhenItIsRotatedOut() throws Exception {
    // busybox with ID=debian whose bundle is FakePublicRoot + CorpCA (e2e/hostile-images.sh)
    ContainerSpec app =
        ContainerSpec.of("app", HostileImages.ensure(containerd, "bundle-with-corp-ca"));
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa());
        RunningPod plain = run("ships-ca-plain", app, false);
        RunningPod pod = run("ships-ca", app, true)) {
      byte[] image = osBundle(plain);
      assertThat(subjects(Pki.certificates(image)))
          .as("the image ships CorpCA")
          .containsAll(subjects(Pki.certificates(corpCa())));

      rotateToCorpCa2(plugin, pod);

      SoftAssertions.assertSoftly(
          softly -> assertOsBundleIsTheImagesPlusCorpCa2(softly, pod, image));
    }
  }

  /** Starts {@code container} in a new pod, opted in or not, with {@code sleep infinity}. */
  @Test
  void aPluginKilledInTheMiddleOfARotationConvergesEveryContainerAfterItsRestart()
      throws Exception {
    ContainerSpec app = ContainerSpec.of("app", debian);
    List<RunningPod> pods = new ArrayList<>();
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa());
        RunningPod plain = run("rotate-out-mid-plain", app, false)) {
      for (int i = 0; i < 4; i++) {
        pods.add(run("rotate-out-mid-" + i, app, true));
      }
      byte[] image = osBundle(plain);
      long mark = plugin.logMark();
      plugin.replaceBundle(Pki.caCertificate(Ca.CORP_CA2));
      // the containers converge one after the other: kill the plugin after the first
      plugin.process().log().awaitLineContaining(mark, "inject: rotated", ROTATION);
      plugin.kill();
      plugin.restart();
      // Synchronize finds the containers the first plugin did not reach and converges them
      plugin.process().log().awaitLineContaining(0, "inject: converged", ROTATION);

      assertThat(plugin.sample("cainjekt_outdated_ca_containers")).isZero();
      SoftAssertions softly = new SoftAssertions();
      for (RunningPod pod : pods) {
        softly.check(
            () -> TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA, CURL, Verdict.UNTRUSTED));
        softly.check(
            () -> TrustChecks.assertOsStore(pod, servers, Ca.CORP_CA2, CURL, Verdict.TRUSTED));
        assertOsBundleIsTheImagesPlusCorpCa2(softly, pod, image);
        assertNoCopyOfCorpCa(softly, pod);
      }
      softly.assertAll();
    } finally {
      pods.forEach(RunningPod::close);
    }
  }

  @Test
  void aContainerSwappingItsStoreDirectoriesForSymlinksDuringRemovalLeavesTheHostAlone()
      throws Exception {
    // on the host, a directory holding files named like the plugin's own: a delete that followed
    // the container's symlink out of its root would remove them
    Path canary = Path.of("/etc/cainjekt-rotation-canary");
    List<String> names =
        List.of(
            "cainjekt-" + fingerprint(Ca.CORP_CA) + ".crt",
            "cainjekt-" + fingerprint(Ca.CORP_CA) + ".pem",
            "cainjekt-" + fingerprint(Ca.CORP_CA2) + ".crt");
    Files.createDirectories(canary);
    for (String name : names) {
      Files.writeString(canary.resolve(name), "host file\n");
    }
    String swap =
        "while :; do for d in "
            + ANCHOR_DIR
            + " /etc/ssl/certs; do mv $d $d.real && ln -s "
            + canary
            + " $d; rm -f $d; mv $d.real $d; done; done";
    try (InjectingPlugin plugin = InjectingPlugin.start(containerd, work, corpCa());
        RunningPod pod =
            RunningPod.start(
                containerd.cri(),
                PodSpec.of("e2e-rotation", "rotate-out-swapping").withAnnotations(OPT_IN),
                ContainerSpec.of("app", debian).withCommand("sh", "-c", swap))) {
      for (Path ca :
          List.of(Pki.caCertificate(Ca.CORP_CA2), corpCa(), Pki.caCertificate(Ca.CORP_CA2))) {
        long mark = plugin.logMark();
        plugin.replaceBundle(ca);
        plugin
            .process()
            .log()
            .awaitLine(
                mark,
                l ->
                    (l.contains("inject: rotated") || l.contains("inject: rotation failed"))
                        && l.contains("pod=\"" + pod.pod().name() + "\""),
                "a rotation of the swapping container",
                ROTATION);
      }
      assertThat(plugin.process().isAlive()).isTrue();
      for (String name : names) {
        assertThat(canary.resolve(name)).as("host file " + name).hasContent("host file");
      }
      try (var entries = Files.list(canary)) {
        assertThat(entries.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrderElementsOf(names);
      }
    } finally {
      for (String name : names) {
        Files.deleteIfExists(canary.resolve(name));
      }
      Files.deleteIfExists(canary);
    }
  }

  private static RunningPod run(String name, ContainerSpec container, boolean optedIn) {
    PodSpec pod = PodSpec.of("e2e-rotation", name);
    ContainerSpec sleeping = container.withCommand("sleep", "infinity");
    return RunningPod.start(
        containerd.cri(), optedIn ? pod.withAnnotations(OPT_IN) : pod, sleeping);
  }

  private static Path corpCa() {
    return Pki.caCertificate(Ca.CORP_CA);
  }

  /** Replaces the bundle CorpCA by CorpCA-2 and waits until every one of {@code pods} rotated. */
  private static void rotateToCorpCa2(InjectingPlugin plugin, RunningPod... pods) throws Exception {
    long mark = plugin.logMark();
    plugin.replaceBundle(Pki.caCertificate(Ca.CORP_CA2));
    for (RunningPod pod : pods) {
      awaitRotated(plugin, mark, pod);
    }
  }

  /** The plugin's "inject: rotated" line for {@code pod} written after {@code mark}. */
  private static String awaitRotated(InjectingPlugin plugin, long mark, RunningPod pod) {
    String name = pod.pod().name();
    return plugin
        .process()
        .log()
        .awaitLine(
            mark,
            l -> l.contains("inject: rotated") && l.contains("pod=\"" + name + "\""),
            "\"inject: rotated\" for pod " + name,
            ROTATION);
  }

  /**
   * CorpCA-2 trusted and CorpCA untrusted by {@code osClients} with the OS trust store alone, and
   * by {@code appClients} with the cainjekt variables the container got.
   */
  private static void assertRotatedOut(
      SoftAssertions softly, RunningPod pod, Set<Client> osClients, Set<Client> appClients) {
    for (Ca ca : List.of(Ca.CORP_CA2, Ca.CORP_CA)) {
      Verdict expected = ca == Ca.CORP_CA2 ? Verdict.TRUSTED : Verdict.UNTRUSTED;
      softly.check(() -> TrustChecks.assertOsStore(pod, servers, ca, osClients, expected));
      if (!appClients.isEmpty()) {
        softly.check(() -> TrustChecks.assertEvery(pod, servers, ca, appClients, expected));
      }
    }
  }

  /**
   * The OS bundle starts with the image's bytes, unchanged, and holds exactly the image's
   * certificates plus CorpCA-2.
   */
  private static void assertOsBundleIsTheImagesPlusCorpCa2(
      SoftAssertions softly, RunningPod pod, byte[] image) {
    byte[] bundle = osBundle(pod);
    softly
        .assertThat(
            bundle.length >= image.length
                && Arrays.equals(bundle, 0, image.length, image, 0, image.length))
        .as("the image's %d bytes of %s kept at its start", image.length, OS_BUNDLE)
        .isTrue();
    List<String> shipped = subjects(Pki.certificates(image));
    List<String> now = subjects(Pki.certificates(bundle));
    softly
        .assertThat(without(now, shipped))
        .as("certificates of %s beyond the image's %d", OS_BUNDLE, shipped.size())
        .containsExactlyElementsOf(subjects(Pki.certificates(Pki.caCertificate(Ca.CORP_CA2))));
    softly
        .assertThat(without(shipped, now))
        .as("the image's certificates missing from %s", OS_BUNDLE)
        .isEmpty();
  }

  /** {@code all} less one occurrence of each of {@code removed}. */
  private static List<String> without(List<String> all, List<String> removed) {
    List<String> rest = new ArrayList<>(all);
    removed.forEach(rest::remove);
    return rest;
  }

  /** No file the plugin writes holds CorpCA's PEM, and its anchor file is gone. */
  private static void assertNoCopyOfCorpCa(SoftAssertions softly, RunningPod pod) {
    String anchor = ANCHOR_DIR + "/cainjekt-" + fingerprint(Ca.CORP_CA) + ".crt";
    softly
        .assertThat(pod.exec(EXEC, "test", "-e", anchor).exitCode())
        .as(anchor + " gone")
        .isNotZero();
    ExecResult grep =
        pod.exec(
            EXEC,
            "grep",
            "-rlF",
            "--exclude=ownership",
            "-e",
            TrustChecks.pemBody(Ca.CORP_CA),
            "/etc/ssl",
            ANCHOR_DIR,
            "/etc/cainjekt");
    softly
        .assertThat(grep.exitCode())
        .as("grep exit code (1: no match) for CorpCA's PEM; files: %s", grep.stdout())
        .isEqualTo(1);
  }

  /** The container's OS bundle, byte for byte. */
  private static byte[] osBundle(RunningPod pod) {
    ExecResult cat = pod.exec(EXEC, "cat", OS_BUNDLE);
    assertThat(cat.exitCode()).as("cat " + OS_BUNDLE + ": " + cat.stderr()).isZero();
    return cat.stdoutBytes();
  }

  private static List<String> subjects(List<X509Certificate> certificates) {
    return certificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList();
  }

  /** The anchor file name's fingerprint: SHA-256 of the certificate's DER, lower-case hex. */
  private static String fingerprint(Ca ca) {
    try {
      return sha256(Pki.certificates(Pki.caCertificate(ca)).getFirst().getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("encode " + ca, e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }
}
