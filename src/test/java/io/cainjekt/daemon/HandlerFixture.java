// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.Caches;
import io.cainjekt.inject.Staging;
import io.cainjekt.inject.os.Distro;
import io.cainjekt.inject.os.DistroRoots;
import io.cainjekt.k8s.NamespaceLabels;
import io.cainjekt.observe.Metrics;
import io.cainjekt.policy.OptInPolicy;
import io.cainjekt.policy.PolicyConfig;
import io.cainjekt.trust.NamedSource;
import io.cainjekt.trust.TrustBundles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The handlers with real components, wired once for the daemon's in-process tests and for {@link
 * HandlerBenchmark}: policy, the default bundle from a file, the staging store, the standard
 * pipeline, container roots found through a {@code /proc}. The tests' fixture takes the test PKI's
 * {@code corp-ca.crt}, a synthetic Debian root reached through a fake /proc under {@code tmp}, and
 * collects Pod Events in {@code events} as {@code "<reason>: <message>"}. This is the only place
 * the tests construct {@link InjectionHandlers}.
 */
final class HandlerFixture implements AutoCloseable {

  static final String ID = "c0ffee00000000000000000000000000000000000000000000000000000000aa";
  static final String MOUNT = "/run/ctrd/io.containerd.runtime.v2.task/k8s.io/" + ID + "/rootfs";

  /** The pid of container {@link #ID}'s init process. */
  static final int PID = 4242;

  /** Late starters handled inline; no runtime to evict through, no process to kill. */
  static final LateStarters.Means NO_RUNTIME =
      new LateStarters.Means(
          Runnable::run,
          (id, reason) -> CompletableFuture.failedFuture(new IllegalStateException("no runtime")),
          processes(Optional.empty()),
          Duration.ZERO);

  /** The node's processes: {@code init} as the init process of {@link #ID}, nothing else. */
  static InitProcesses processes(Optional<InitProcesses.InitProcess> init) {
    return new InitProcesses() {
      @Override
      public Optional<InitProcess> find(int pid, String containerId) {
        return pid == PID && containerId.equals(ID) ? init : Optional.empty();
      }

      @Override
      public boolean ownContainer(String containerId) {
        return false;
      }
    };
  }

  final Path tmp;
  final Path bundleFile;
  final TrustBundles bundles;
  final Staging staging;
  final Metrics metrics;
  private final Path proc;
  private final PodWarnings warnings;
  private final Caches caches;

  HandlerFixture(Path tmp, Metrics metrics, List<String> events) throws IOException {
    this(
        tmp,
        Pki.bytes("corp-ca.crt"),
        tmp.resolve("proc"),
        metrics,
        (pod, reason, message) -> events.add(reason + ": " + message),
        Caches.standard());
  }

  private HandlerFixture(
      Path tmp, byte[] bundle, Path proc, Metrics metrics, PodWarnings warnings, Caches caches)
      throws IOException {
    this.caches = caches;
    this.tmp = tmp;
    this.proc = proc;
    this.metrics = metrics;
    this.warnings = warnings;
    bundleFile = tmp.resolve("bundle/ca.pem");
    Files.createDirectories(bundleFile.getParent());
    Files.write(bundleFile, bundle);
    bundles = TrustBundles.open(List.of(new NamedSource("default", bundleFile)), Duration.ZERO);
    staging = Staging.open(tmp.resolve("staging"));
  }

  /**
   * The benchmark's: {@code bundle} as the default bundle and staging under {@code work}, the
   * containers found through the host's /proc as the plugin finds them, Pod Events dropped, and
   * {@code caches} as the handlers' memories.
   */
  static HandlerFixture onHost(Path work, byte[] bundle, Caches caches) throws IOException {
    return new HandlerFixture(
        work, bundle, Path.of("/proc"), new Metrics(), PodWarnings.NONE, caches);
  }

  /** New handlers on the same bundle and staging, as after a plugin restart. */
  InjectionHandlers handlers(
      FailPolicy failPolicy, Optional<NamespaceLabels> namespaces, LateStarters.Means late)
      throws IOException {
    return new InjectionHandlers(
        InjectionHandlers.Services.standard(
            caches,
            new OptInPolicy(PolicyConfig.defaults()),
            PolicyConfig.DEFAULT_PREFIX,
            namespaces,
            bundles,
            staging,
            new ContainerRoots(proc),
            failPolicy,
            metrics,
            warnings,
            late));
  }

  /** A Debian root reachable as the runtime's host mount of the container's rootfs. */
  Path debianRoot() throws IOException {
    Files.createDirectories(proc.resolve("1"));
    Files.writeString(
        proc.resolve("1/mountinfo"), "30 1 0:5 / " + MOUNT + " rw - overlay overlay rw\n");
    Path root = proc.resolve("1/root").resolve(MOUNT.substring(1));
    Files.createDirectories(root.getParent());
    Path built = DistroRoots.build(tmp.resolve("image"), Distro.TABLE.getFirst());
    Files.move(built, root);
    return root;
  }

  @Override
  public void close() {
    staging.close();
    bundles.close();
  }
}
