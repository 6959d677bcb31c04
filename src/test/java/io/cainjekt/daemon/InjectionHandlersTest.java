// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.Staging;
import io.cainjekt.nri.Adjustment;
import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.ContainerState;
import io.cainjekt.nri.Mount;
import io.cainjekt.nri.PodInfo;
import io.cainjekt.nri.SyncSnapshot;
import io.cainjekt.observe.ContainerReport;
import io.cainjekt.observe.Metrics;
import io.cainjekt.observe.RejectedInput;
import io.cainjekt.trust.TrustBundles;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handlers with real components: policy, trust bundles from a file, the staging store, the
 * standard pipeline on a synthetic Debian root reached through a fake /proc.
 */
class InjectionHandlersTest {

  private static final String ID = HandlerFixture.ID;

  @TempDir Path tmp;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final Metrics metrics = new Metrics();
  private Path bundleFile;
  private Staging staging;
  private TrustBundles bundles;
  private HandlerFixture fixture;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  private HandlerFixture fixture() throws IOException {
    if (fixture == null) {
      fixture = new HandlerFixture(tmp, metrics, events);
      closeables.add(fixture);
      bundleFile = fixture.bundleFile;
      bundles = fixture.bundles;
      staging = fixture.staging;
    }
    return fixture;
  }

  private InjectionHandlers handlers(FailPolicy failPolicy) throws IOException {
    return fixture().handlers(failPolicy, Optional.empty(), HandlerFixture.NO_RUNTIME);
  }

  private static PodInfo pod(Map<String, String> annotations) {
    return new PodInfo("pod1", "web", "uid-1", "team-a", Map.of(), annotations, "", 0);
  }

  private static ContainerInfo container(int pid, List<String> env) {
    return new ContainerInfo(
        ID,
        "pod1",
        "app",
        ContainerState.CREATED,
        pid,
        List.of("sleep"),
        env,
        List.of(),
        Map.of(),
        Map.of());
  }

  private static final Map<String, String> OPTED_IN = Map.of("cainjekt.io/enabled", "true");

  /** A Debian root reachable as the runtime's host mount of the container's rootfs. */
  private Path debianRoot() throws IOException {
    return fixture().debianRoot();
  }

  private String staged(String file) throws IOException {
    return Files.readString(staging.directory(ID).resolve(file), StandardCharsets.US_ASCII);
  }

  /** The container as Synchronize reports it once it runs, with the mount CreateContainer added. */
  private static ContainerInfo running() {
    return new ContainerInfo(
        ID,
        "pod1",
        "app",
        ContainerState.RUNNING,
        4242,
        List.of(),
        List.of(),
        List.of(
            new Mount(
                "/etc/cainjekt", "bind", "/run/cainjekt/containers/" + ID, List.of("rbind", "ro"))),
        Map.of(),
        Map.of());
  }

  private static String corpCaPem() {
    return new String(Pki.bytes("corp-ca.crt"), StandardCharsets.US_ASCII).strip();
  }

  /** The fixture's bundle replaced by CorpCA and {@code n - 1} generated CAs. */
  private void bundleOf(int n) throws Exception {
    StringBuilder pem = new StringBuilder(corpCaPem()).append('\n');
    for (int i = 1; i < n; i++) {
      pem.append(
          io.cainjekt.trust.TestPki.deterministicRootCa(
                  "cainjekt handler ca " + i,
                  i,
                  java.time.Instant.parse("2025-01-01T00:00:00Z"),
                  java.time.Instant.parse("2045-01-01T00:00:00Z"))
              .pem());
    }
    Files.writeString(bundleFile, pem);
    assertThat(bundles.reload()).isPositive();
  }

  @Test
  void aBundleOfManyCasGetsItsAnchorsAsASecondMountAndOneLinkInTheImage() throws Exception {
    Path root = debianRoot();
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    bundleOf(StagedDefaults.ANCHORS_MOUNT_MIN_CAS);

    Adjustment a = h.createContainer(pod(OPTED_IN), container(0, List.of()));
    h.startContainer(pod(OPTED_IN), container(4242, List.of()));

    assertThat(a.mounts()).hasSize(2).allSatisfy(m -> assertThat(m.options()).contains("ro"));
    assertThat(a.mounts().getLast().destination()).isEqualTo("/etc/cainjekt/anchors");
    Path anchors = Path.of(a.mounts().getLast().source());
    assertThat(anchors).isEqualTo(staging.root().resolve("anchors/default"));
    assertThat(staging.directory(ID).resolve(Staging.ANCHORS)).isEmptyDirectory();
    try (var files = Files.list(anchors)) {
      assertThat(files).hasSize(StagedDefaults.ANCHORS_MOUNT_MIN_CAS);
    }
    Path anchorDir = root.resolve("usr/local/share/ca-certificates");
    assertThat(Files.readSymbolicLink(anchorDir.resolve("cainjekt")))
        .isEqualTo(Path.of("/etc/cainjekt/anchors"));
    try (var files = Files.list(anchorDir)) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void aBundleOfFewCasGetsOneMountAndAnAnchorFilePerCa() throws Exception {
    Path root = debianRoot();
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    bundleOf(StagedDefaults.ANCHORS_MOUNT_MIN_CAS - 1);

    Adjustment a = h.createContainer(pod(OPTED_IN), container(0, List.of()));
    h.startContainer(pod(OPTED_IN), container(4242, List.of()));

    assertThat(a.mounts()).singleElement();
    try (var files = Files.list(root.resolve("usr/local/share/ca-certificates"))) {
      assertThat(files).hasSize(StagedDefaults.ANCHORS_MOUNT_MIN_CAS - 1);
    }
  }

  @Test
  void anchorsThatCannotBeStagedLeaveOneMountAndAnAnchorFilePerCa() throws Exception {
    Path root = debianRoot();
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    bundleOf(StagedDefaults.ANCHORS_MOUNT_MIN_CAS);
    Files.writeString(staging.root().resolve("anchors/default"), "in the way\n");

    Adjustment a = h.createContainer(pod(OPTED_IN), container(0, List.of()));
    h.startContainer(pod(OPTED_IN), container(4242, List.of()));

    assertThat(a.mounts())
        .singleElement()
        .satisfies(m -> assertThat(m.destination()).isEqualTo("/etc/cainjekt"));
    Path anchorDir = root.resolve("usr/local/share/ca-certificates");
    assertThat(anchorDir.resolve("cainjekt")).doesNotExist();
    String hex = io.cainjekt.trust.Fingerprint.of(Pki.certificate("corp-ca").getEncoded()).hex();
    assertThat(anchorDir.resolve("cainjekt-" + hex + ".crt")).isRegularFile();
    assertThat(h.reports())
        .singleElement()
        .extracting(ContainerReport::state)
        .isEqualTo(ContainerReport.State.INJECTED);
  }

  @Test
  void optedInContainerGetsTheReadOnlyMountTheEnvironmentAndAnnotation() throws Exception {
    InjectionHandlers h = handlers(FailPolicy.OPEN);

    Adjustment a = h.createContainer(pod(OPTED_IN), container(0, List.of("PATH=/bin")));

    assertThat(a.mounts())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.destination()).isEqualTo("/etc/cainjekt");
              assertThat(m.type()).isEqualTo("bind");
              assertThat(m.options()).contains("ro");
              assertThat(Path.of(m.source())).isEqualTo(staging.directory(ID));
            });
    assertThat(a.env())
        .containsEntry("SSL_CERT_FILE", "/etc/cainjekt/ca-bundle.pem")
        .containsEntry("NODE_EXTRA_CA_CERTS", "/etc/cainjekt/custom-ca.pem")
        .containsKey("JAVA_TOOL_OPTIONS");
    assertThat(a.annotations()).containsKey("cainjekt.io/injected");
    assertThat(staged(Staging.CUSTOM_CA)).contains(corpCaPem());
    assertThat(staged(Staging.CA_BUNDLE)).contains(corpCaPem());
    assertThat(staging.directory(ID).resolve(Staging.TRUSTSTORE)).isNotEmptyFile();
    assertThat(h.reports())
        .singleElement()
        .extracting(ContainerReport::state)
        .isEqualTo(ContainerReport.State.STAGED);
  }

  @Test
  void containerWithoutOptInIsUntouched() throws Exception {
    InjectionHandlers h = handlers(FailPolicy.OPEN);

    Adjustment a = h.createContainer(pod(Map.of()), container(0, List.of()));

    assertThat(a.isEmpty()).isTrue();
    assertThat(staging.containerIds()).isEmpty();
    assertThat(h.reports()).isEmpty();
  }

  @Test
  void explicitOptOutWinsOverTheNamespaceAndStagesNothing() throws Exception {
    InjectionHandlers h = handlers(FailPolicy.OPEN);

    Adjustment a =
        h.createContainer(pod(Map.of("cainjekt.io/enabled", "false")), container(0, List.of()));

    assertThat(a.isEmpty()).isTrue();
    assertThat(staging.containerIds()).isEmpty();
  }

  @Test
  void startContainerWritesTheOsStoreAndRefillsTheStagedBundleFromTheImage() throws Exception {
    Path root = debianRoot();
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));

    h.startContainer(pod(OPTED_IN), container(4242, List.of()));

    String osBundle = Files.readString(root.resolve("etc/ssl/certs/ca-certificates.crt"));
    assertThat(osBundle).contains(corpCaPem());
    String stagedBundle = staged(Staging.CA_BUNDLE);
    assertThat(stagedBundle).contains(corpCaPem());
    assertThat(stagedBundle.split("BEGIN CERTIFICATE", -1)).hasSize(1 + 3 + 1);
    assertThat(staged(Staging.STATUS)).contains("debian");
    assertThat(h.reports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(ContainerReport.State.INJECTED);
              assertThat(r.distro()).isEqualTo("debian");
              assertThat(r.outdated()).isFalse();
            });
    assertThat(events).isEmpty();
  }

  @Test
  void failOpenLetsTheContainerStartWithTheStagedDefaultsAndReportsTheFailure() throws Exception {
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));

    h.startContainer(pod(OPTED_IN), container(999_999, List.of()));

    assertThat(staged(Staging.CA_BUNDLE)).contains(corpCaPem());
    assertThat(h.reports())
        .singleElement()
        .extracting(ContainerReport::state)
        .isEqualTo(ContainerReport.State.FAILED);
    assertThat(events).singleElement().asString().contains("CAInjectionFailed");
  }

  @Test
  void hostileRootIsRefusedCountedOnceByKindAndReportedInOneEvent() throws Exception {
    Path root = debianRoot();
    Path bundle = root.resolve("etc/ssl/certs/ca-certificates.crt");
    Files.delete(bundle);
    Files.createSymbolicLink(bundle, Path.of("/etc/cainjekt-nowhere"));
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));

    h.startContainer(pod(OPTED_IN), container(4242, List.of()));

    assertThat(Files.readSymbolicLink(bundle)).isEqualTo(Path.of("/etc/cainjekt-nowhere"));
    assertThat(root.resolve("etc/cainjekt-nowhere")).doesNotExist();
    assertThat(counter("cainjekt_errors", "phase", "start_container")).isEqualTo(1.0);
    assertThat(counter("cainjekt_rejected_inputs", "kind", "dangling_symlink")).isEqualTo(1.0);
    assertThat(counter("cainjekt_rejected_inputs", "kind", "rootfs_escape")).isZero();
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith(
            "CAInjectionRefused: container app: os-store /etc/ssl/certs/ca-certificates.crt");
  }

  @Test
  void aFailureThatIsNoRefusalCountsNoRejectedInput() throws Exception {
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));

    h.startContainer(pod(OPTED_IN), container(999_999, List.of()));

    assertThat(counter("cainjekt_errors", "phase", "start_container")).isEqualTo(1.0);
    for (RejectedInput kind : RejectedInput.values()) {
      assertThat(counter("cainjekt_rejected_inputs", "kind", kind.label()))
          .as(kind.label())
          .isZero();
    }
  }

  /** The value of one counter series of the handlers' metrics (0 when absent). */
  private double counter(String name, String label, String value) {
    return MetricSamples.counter(metrics, name, label, value);
  }

  /** The value of an unlabelled gauge of the handlers' metrics (NaN when absent). */
  private double gauge(String name) {
    for (MetricSnapshot s : metrics.registry().scrape()) {
      if (s instanceof GaugeSnapshot g && g.getMetadata().getName().equals(name)) {
        return g.getDataPoints().getFirst().getValue();
      }
    }
    return Double.NaN;
  }

  @Test
  void gaugesFollowEveryCreateStartAndRemove() throws Exception {
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    debianRoot();

    h.createContainer(pod(OPTED_IN), container(0, List.of()));
    assertThat(gauge("cainjekt_injected_containers")).isEqualTo(1);
    double staged = gauge("cainjekt_staged_bytes");
    assertThat(staged).isPositive();

    h.startContainer(pod(OPTED_IN), container(4242, List.of()));
    assertThat(gauge("cainjekt_staged_bytes"))
        .as("the image's own files replace the defaults")
        .isPositive()
        .isNotEqualTo(staged);

    h.removeContainer(pod(OPTED_IN), container(0, List.of()));
    assertThat(gauge("cainjekt_injected_containers")).isZero();
    assertThat(gauge("cainjekt_staged_bytes"))
        .as("the staged defaults are kept for the next container")
        .isEqualTo(staged);
  }

  @Test
  void failClosedReturnsTheErrorToTheRuntime() throws Exception {
    InjectionHandlers h = handlers(FailPolicy.CLOSED);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));

    assertThatThrownBy(() -> h.startContainer(pod(OPTED_IN), container(999_999, List.of())))
        .isInstanceOf(InjectionFailedException.class)
        .hasMessageContaining("team-a/web")
        .hasMessageContaining("fail policy closed");
  }

  @Test
  void removeContainerReleasesTheStagedDirectory() throws Exception {
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));

    h.removeContainer(pod(OPTED_IN), container(0, List.of()));

    assertThat(staging.containerIds()).isEmpty();
    assertThat(staging.directory(ID)).doesNotExist();
    assertThat(h.reports()).isEmpty();
  }

  @Test
  void afterARestartSynchronizeKeepsLiveContainersAndRemovesOnlyOrphans() throws Exception {
    debianRoot();
    InjectionHandlers before = handlers(FailPolicy.OPEN);
    before.createContainer(pod(OPTED_IN), container(0, List.of()));
    before.startContainer(pod(OPTED_IN), container(4242, List.of()));
    staging.prepare(
        "deadbeef", Map.of(Staging.CUSTOM_CA, ByteString.copyFrom(Pki.bytes("corp-ca.crt"))));
    String bundleBefore = staged(Staging.CA_BUNDLE);

    InjectionHandlers after = handlers(FailPolicy.OPEN);
    ContainerInfo running = running();
    after.synchronize(new SyncSnapshot(List.of(pod(OPTED_IN)), List.of(running)));

    assertThat(staging.containerIds()).containsExactly(ID);
    assertThat(staged(Staging.CA_BUNDLE)).isEqualTo(bundleBefore);
    assertThat(after.reports()).singleElement().satisfies(r -> assertThat(r.outdated()).isFalse());
  }

  @Test
  void aRestartedPluginReportsAnInjectedContainerAsTheOneThatInjectedIt() throws Exception {
    debianRoot();
    InjectionHandlers before = handlers(FailPolicy.OPEN);
    before.createContainer(pod(OPTED_IN), container(0, List.of()));
    before.startContainer(pod(OPTED_IN), container(4242, List.of()));
    ContainerReport injected = before.reports().getFirst();
    assertThat(injected.distro()).isEqualTo("debian");
    assertThat(injected.filesWritten()).isNotEmpty();

    InjectionHandlers after = handlers(FailPolicy.OPEN);
    after.synchronize(new SyncSnapshot(List.of(pod(OPTED_IN)), List.of(running())));

    assertThat(after.reports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(ContainerReport.State.INJECTED);
              assertThat(r.distro()).isEqualTo(injected.distro());
              assertThat(r.filesWritten()).isEqualTo(injected.filesWritten());
              assertThat(r.runtimes()).isEqualTo(injected.runtimes());
              assertThat(r.errors()).isEqualTo(injected.errors());
            });
  }

  @Test
  void rotationDropsTheKeptDefaultsOfTheOldVersionOnceUnused() throws Exception {
    debianRoot();
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    bundles.addListener(h.convergence()::rotate);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));
    h.removeContainer(pod(OPTED_IN), container(0, List.of()));
    assertThat(staging.stagedBytes()).as("the defaults kept").isPositive();

    Files.write(bundleFile, Pki.bytes("corp-ca-rekeyed.crt"));
    assertThat(bundles.reload()).isPositive();

    assertThat(staging.stagedBytes()).as("the old version's defaults dropped").isZero();
  }

  @Test
  void rotationReplacesStagedFilesAndTheOsStoreOfRunningContainers() throws Exception {
    Path root = debianRoot();
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    bundles.addListener(h.convergence()::rotate);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));
    h.startContainer(pod(OPTED_IN), container(4242, List.of()));
    String corp2 = new String(Pki.bytes("corp-ca-rekeyed.crt"), StandardCharsets.US_ASCII).strip();

    Files.write(bundleFile, Pki.bytes("corp-ca-rekeyed.crt"));
    assertThat(bundles.reload()).isPositive();

    assertThat(staged(Staging.CUSTOM_CA)).contains(corp2).doesNotContain(corpCaPem());
    assertThat(staged(Staging.CA_BUNDLE)).contains(corp2);
    assertThat(Files.readString(root.resolve("etc/ssl/certs/ca-certificates.crt"))).contains(corp2);
    assertThat(h.reports()).singleElement().satisfies(r -> assertThat(r.outdated()).isFalse());
  }

  @Test
  void rotatingACaOutTakesItOutOfTheStagedFilesAndTheOsStore() throws Exception {
    Path root = debianRoot();
    Path imageBundle = root.resolve("etc/ssl/certs/ca-certificates.crt");
    String image = Files.readString(imageBundle);
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    bundles.addListener(h.convergence()::rotate);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));
    h.startContainer(pod(OPTED_IN), container(4242, List.of()));
    assertThat(Files.readString(imageBundle)).contains(corpCaPem());
    assertThat(staged(InjectionReport.OWNERSHIP)).contains("added ");

    Files.write(bundleFile, Pki.bytes("corp-ca-rekeyed.crt"));
    assertThat(bundles.reload()).isPositive();

    String corp2 = new String(Pki.bytes("corp-ca-rekeyed.crt"), StandardCharsets.US_ASCII);
    assertThat(Files.readString(imageBundle)).isEqualTo(image + corp2);
    assertThat(staged(Staging.CA_BUNDLE)).doesNotContain(corpCaPem());
    assertThat(staged(Staging.CUSTOM_CA)).doesNotContain(corpCaPem());
    try (var anchors = Files.list(root.resolve("usr/local/share/ca-certificates"))) {
      assertThat(anchors.map(p -> p.getFileName().toString()))
          .singleElement()
          .asString()
          .contains(
              io.cainjekt.trust.Fingerprint.of(Pki.certificate("corp-ca-rekeyed").getEncoded())
                  .hex());
    }
  }

  @Test
  void aRestartedPluginRotatesOutWhatTheOneBeforeItAdded() throws Exception {
    Path root = debianRoot();
    Path imageBundle = root.resolve("etc/ssl/certs/ca-certificates.crt");
    String image = Files.readString(imageBundle);
    InjectionHandlers before = handlers(FailPolicy.OPEN);
    before.createContainer(pod(OPTED_IN), container(0, List.of()));
    before.startContainer(pod(OPTED_IN), container(4242, List.of()));

    // the plugin is gone; the bundle changes meanwhile; a new plugin synchronizes
    Files.write(bundleFile, Pki.bytes("corp-ca-rekeyed.crt"));
    assertThat(bundles.reload()).isPositive();
    InjectionHandlers after = handlers(FailPolicy.OPEN);
    ContainerInfo running = running();
    after.synchronize(new SyncSnapshot(List.of(pod(OPTED_IN)), List.of(running)));

    String corp2 = new String(Pki.bytes("corp-ca-rekeyed.crt"), StandardCharsets.US_ASCII);
    assertThat(Files.readString(imageBundle)).isEqualTo(image + corp2);
    assertThat(staged(Staging.CA_BUNDLE)).doesNotContain(corpCaPem());
    assertThat(after.reports()).singleElement().satisfies(r -> assertThat(r.outdated()).isFalse());
  }

  @Test
  void aContainerThatExitedBeforeItsRotationIsNotWrittenAndCountsAsOutdated() throws Exception {
    Path root = debianRoot();
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    bundles.addListener(h.convergence()::rotate);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));
    h.startContainer(pod(OPTED_IN), container(4242, List.of()));
    // the container exits: the runtime unmounts its root, an empty mount point stays behind
    Files.move(root, tmp.resolve("unmounted"));
    Files.createDirectory(root);
    Files.createDirectories(root.resolve("etc/ssl/certs")); // as if the image's paths were there

    Files.write(bundleFile, Pki.bytes("corp-ca-rekeyed.crt"));
    assertThat(bundles.reload()).isPositive();

    try (var left = Files.walk(root)) {
      assertThat(left.map(root::relativize).map(Path::toString))
          .containsExactlyInAnyOrder("", "etc", "etc/ssl", "etc/ssl/certs");
    }
    assertThat(h.reports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outdated()).isTrue();
              assertThat(r.state()).isEqualTo(ContainerReport.State.FAILED);
            });
  }

  @Test
  void aContainerThatChangedAnAnchorOfOursIsDriftedAfterTheRotationAndCountedSo() throws Exception {
    Path root = debianRoot();
    InjectionHandlers h = handlers(FailPolicy.OPEN);
    bundles.addListener(h.convergence()::rotate);
    h.createContainer(pod(OPTED_IN), container(0, List.of()));
    h.startContainer(pod(OPTED_IN), container(4242, List.of()));
    assertThat(MetricSamples.gauge(metrics, "cainjekt_containers", "state", "injected"))
        .isEqualTo(1);
    Path anchors = root.resolve("usr/local/share/ca-certificates");
    try (var files = Files.list(anchors)) {
      Files.write(files.findFirst().orElseThrow(), Pki.bytes("public-root-2.crt"));
    }

    Files.write(bundleFile, Pki.bytes("corp-ca-rekeyed.crt"));
    assertThat(bundles.reload()).isPositive();

    assertThat(h.reports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(ContainerReport.State.DRIFTED);
              assertThat(r.errors()).singleElement().asString().startsWith("drift: ");
              assertThat(r.outdated()).isFalse();
            });
    assertThat(MetricSamples.gauge(metrics, "cainjekt_containers", "state", "drifted"))
        .isEqualTo(1);
    assertThat(MetricSamples.gauge(metrics, "cainjekt_containers", "state", "injected")).isZero();
    assertThat(MetricSamples.gauge(metrics, "cainjekt_containers", "state", "converging")).isZero();
  }
}
