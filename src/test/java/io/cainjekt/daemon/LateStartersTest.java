// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.InjectionReport;
import io.cainjekt.k8s.NamespaceLabels;
import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.ContainerState;
import io.cainjekt.nri.PodInfo;
import io.cainjekt.nri.SyncSnapshot;
import io.cainjekt.observe.ContainerReport;
import io.cainjekt.observe.LateStarterAction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, late starters: a container that started while the plugin was down is found at
 * Synchronize and injected (fail policy open) or stopped (closed), through the handlers with real
 * components on a synthetic Debian root; the runtime's eviction and the node's processes are fakes
 * that record what they were asked.
 */
class LateStartersTest {

  private static final String ID = HandlerFixture.ID;
  private static final int PID = HandlerFixture.PID;
  private static final Map<String, String> OPTED_IN = Map.of("cainjekt.io/enabled", "true");

  @TempDir Path tmp;
  private final io.cainjekt.observe.Metrics metrics = new io.cainjekt.observe.Metrics();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<String> runtimeCalls = new CopyOnWriteArrayList<>();
  private HandlerFixture fixture;

  @BeforeEach
  void setUp() throws IOException {
    fixture = new HandlerFixture(tmp, metrics, events);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  /**
   * A runtime that answers every eviction OK and stops the container only when {@code stopsEvicted}
   * (containerd 1.7 and 2.1 do not); the container's init process dies on SIGKILL.
   */
  private LateStarters.Means runtime(boolean stopsEvicted) {
    AtomicBoolean exited = new AtomicBoolean();
    InitProcesses.InitProcess init =
        new InitProcesses.InitProcess() {
          @Override
          public CompletableFuture<Boolean> exitsWithin(Duration grace) {
            return CompletableFuture.completedFuture(exited.get());
          }

          @Override
          public boolean kill() {
            runtimeCalls.add("SIGKILL " + PID);
            exited.set(true);
            return true;
          }
        };
    return new LateStarters.Means(
        Runnable::run,
        (id, reason) -> {
          runtimeCalls.add("evict " + id + ": " + reason);
          exited.set(stopsEvicted);
          return CompletableFuture.completedFuture(null);
        },
        HandlerFixture.processes(Optional.of(init)),
        Duration.ofMillis(1));
  }

  private InjectionHandlers handlers(FailPolicy failPolicy, boolean stopsEvicted)
      throws IOException {
    return fixture.handlers(failPolicy, Optional.empty(), runtime(stopsEvicted));
  }

  private static PodInfo pod(String namespace, Map<String, String> annotations) {
    return new PodInfo("pod1", "web", "uid-1", namespace, Map.of(), annotations, "", 0);
  }

  /** What Synchronize lists for a pod whose container started while the plugin was down. */
  private static SyncSnapshot snapshot(PodInfo pod) {
    ContainerInfo running =
        new ContainerInfo(
            ID,
            "pod1",
            "app",
            ContainerState.RUNNING,
            PID,
            List.of("sleep", "infinity"),
            List.of("PATH=/usr/bin:/bin"),
            List.of(),
            Map.of(),
            Map.of());
    return new SyncSnapshot(List.of(pod), List.of(running));
  }

  private static SyncSnapshot snapshot(Map<String, String> annotations) {
    return snapshot(pod("team-a", annotations));
  }

  private double late(LateStarterAction action) {
    return MetricSamples.counter(metrics, "cainjekt_late_starters", "action", action.label());
  }

  private static String pem(String file) {
    return new String(Pki.bytes(file), StandardCharsets.US_ASCII);
  }

  /** Every path under {@code root} with its content (files), target (links) or "dir". */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.toList()) {
        String what =
            Files.isSymbolicLink(p)
                ? "-> " + Files.readSymbolicLink(p)
                : Files.isDirectory(p) ? "dir" : Files.readString(p, StandardCharsets.ISO_8859_1);
        out.put(root.relativize(p).toString(), what);
      }
    }
    return out;
  }

  @Test
  void anOptedInContainerRunningUnknownAtSynchronizeGetsItsOsStoreAndIsListedAsLate()
      throws Exception {
    Path root = fixture.debianRoot();
    InjectionHandlers h = handlers(FailPolicy.OPEN, false);

    h.synchronize(snapshot(OPTED_IN));

    assertThat(Files.readString(root.resolve("etc/ssl/certs/ca-certificates.crt")))
        .contains(pem("corp-ca.crt").strip());
    assertThat(h.reports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(ContainerReport.State.LATE);
              assertThat(r.detail()).contains("no /etc/cainjekt mount", "restart the pod");
              assertThat(r.distro()).isEqualTo("debian");
              assertThat(r.outdated()).isFalse();
            });
    assertThat(late(LateStarterAction.INJECTED)).isEqualTo(1.0);
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("CAInjectedLate: container app started while cainjekt was not running");
    assertThat(fixture.staging.directory(ID).resolve(InjectionReport.OWNERSHIP))
        .content()
        .contains("added ");
    assertThat(runtimeCalls).isEmpty();
  }

  @Test
  void aContainerWithoutOptInRunningAtSynchronizeIsLeftUntouched() throws Exception {
    Path root = fixture.debianRoot();
    Map<String, String> before = tree(root);
    InjectionHandlers h = handlers(FailPolicy.OPEN, false);

    h.synchronize(snapshot(Map.of()));

    assertThat(tree(root)).isEqualTo(before);
    assertThat(fixture.staging.containerIds()).isEmpty();
    assertThat(h.reports()).isEmpty();
    assertThat(events).isEmpty();
    for (LateStarterAction action : LateStarterAction.values()) {
      assertThat(late(action)).as(action.label()).isZero();
    }
  }

  @Test
  void failClosedAsksTheRuntimeToEvictALateStarterThenKillsItAndWritesNothing() throws Exception {
    Path root = fixture.debianRoot();
    Map<String, String> before = tree(root);
    InjectionHandlers h = handlers(FailPolicy.CLOSED, false);

    h.synchronize(snapshot(OPTED_IN));

    assertThat(runtimeCalls).hasSize(2);
    assertThat(runtimeCalls.getFirst())
        .startsWith("evict " + ID + ": cainjekt: container started while the plugin was not");
    assertThat(runtimeCalls.getLast()).isEqualTo("SIGKILL " + PID);
    assertThat(tree(root)).isEqualTo(before);
    assertThat(fixture.staging.containerIds()).isEmpty();
    assertThat(h.reports()).isEmpty();
    assertThat(late(LateStarterAction.KILLED)).isEqualTo(1.0);
    assertThat(late(LateStarterAction.EVICTED)).isZero();
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("CALateStarterStopped: container app started while cainjekt was not running")
        .contains("SIGKILL");
  }

  @Test
  void failClosedCountsAStopTheRuntimeMadeOnItsEvictionAsEvicted() throws Exception {
    fixture.debianRoot();
    InjectionHandlers h = handlers(FailPolicy.CLOSED, true);

    h.synchronize(snapshot(OPTED_IN));

    assertThat(runtimeCalls).singleElement().asString().startsWith("evict " + ID);
    assertThat(late(LateStarterAction.EVICTED)).isEqualTo(1.0);
    assertThat(late(LateStarterAction.KILLED)).isZero();
  }

  @Test
  void aLateStarterIsRotatedLikeAnyOtherContainerAndStaysLate() throws Exception {
    Path root = fixture.debianRoot();
    Path imageBundle = root.resolve("etc/ssl/certs/ca-certificates.crt");
    String image = Files.readString(imageBundle);
    InjectionHandlers h = handlers(FailPolicy.OPEN, false);
    fixture.bundles.addListener(h.convergence()::rotate);
    h.synchronize(snapshot(OPTED_IN));

    Files.write(fixture.bundleFile, Pki.bytes("corp-ca-rekeyed.crt"));
    assertThat(fixture.bundles.reload()).isPositive();

    assertThat(Files.readString(imageBundle)).isEqualTo(image + pem("corp-ca-rekeyed.crt"));
    assertThat(h.reports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(ContainerReport.State.LATE);
              assertThat(r.outdated()).isFalse();
            });
  }

  @Test
  void aRestartedPluginListsALateStarterAsLateAndDoesNotInjectItAgain() throws Exception {
    fixture.debianRoot();
    handlers(FailPolicy.OPEN, false).synchronize(snapshot(OPTED_IN));

    InjectionHandlers after = handlers(FailPolicy.OPEN, false);
    after.synchronize(snapshot(OPTED_IN));

    assertThat(after.reports())
        .singleElement()
        .extracting(ContainerReport::state)
        .isEqualTo(ContainerReport.State.LATE);
    assertThat(late(LateStarterAction.INJECTED)).isEqualTo(1.0);
    assertThat(events).hasSize(1);
  }

  @Test
  void aPodOptedInByItsNamespaceIsDecidedOnceTheNamespaceLabelsAreKnown() throws Exception {
    Path root = fixture.debianRoot();
    Map<String, String> before = tree(root);
    Namespaces namespaces = new Namespaces();
    InjectionHandlers h =
        fixture.handlers(FailPolicy.OPEN, Optional.of(namespaces), runtime(false));

    h.synchronize(snapshot(pod("team-labelled", Map.of())));
    assertThat(tree(root)).as("nothing before the labels are known").isEqualTo(before);

    namespaces.listed(Map.of("team-labelled", Map.of("cainjekt.io/enabled", "true")));

    assertThat(Files.readString(root.resolve("etc/ssl/certs/ca-certificates.crt")))
        .contains(pem("corp-ca.crt").strip());
    assertThat(late(LateStarterAction.INJECTED)).isEqualTo(1.0);
  }

  /** Namespace labels that are unknown until {@link #listed} (the informer's first list). */
  private static final class Namespaces implements NamespaceLabels {
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Map<String, Map<String, String>> labels = Map.of();

    void listed(Map<String, Map<String, String>> namespaces) {
      labels = Map.copyOf(namespaces);
      ready.complete(null);
    }

    @Override
    public Optional<Map<String, String>> labels(String namespace) {
      return Optional.ofNullable(labels.get(namespace));
    }

    @Override
    public boolean synced() {
      return ready.isDone();
    }

    @Override
    public CompletionStage<Void> ready() {
      return ready;
    }

    @Override
    public void close() {}
  }
}
