// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.e2e.tls.Pki;
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
 * The handlers with real components, for the daemon's in-process tests: policy, the default bundle
 * {@code corp-ca.pem} from a file, the staging store, the standard pipeline on a synthetic Debian
 * root reached through a fake /proc under {@code tmp}. Pod Events land in {@code events} as {@code
 * "<reason>: <message>"}.
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
  final List<String> events;

  HandlerFixture(Path tmp, Metrics metrics, List<String> events) throws IOException {
    this.tmp = tmp;
    this.metrics = metrics;
    this.events = events;
    bundleFile = tmp.resolve("bundle/ca.pem");
    Files.createDirectories(bundleFile.getParent());
    Files.write(bundleFile, Pki.bytes("corp-ca.crt"));
    bundles = TrustBundles.open(List.of(new NamedSource("default", bundleFile)), Duration.ZERO);
    staging = Staging.open(tmp.resolve("staging"));
  }

  /** New handlers on the same bundle and staging, as after a plugin restart. */
  InjectionHandlers handlers(
      FailPolicy failPolicy, Optional<NamespaceLabels> namespaces, LateStarters.Means late)
      throws IOException {
    return new InjectionHandlers(
        InjectionHandlers.Services.standard(
            new OptInPolicy(PolicyConfig.defaults()),
            PolicyConfig.DEFAULT_PREFIX,
            namespaces,
            bundles,
            staging,
            new ContainerRoots(tmp.resolve("proc")),
            failPolicy,
            metrics,
            (pod, reason, message) -> events.add(reason + ": " + message),
            late));
  }

  /** A Debian root reachable as the runtime's host mount of the container's rootfs. */
  Path debianRoot() throws IOException {
    Path proc = tmp.resolve("proc");
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
