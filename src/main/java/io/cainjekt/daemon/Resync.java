// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.Staging;
import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.ContainerState;
import io.cainjekt.nri.PodInfo;
import io.cainjekt.observe.ContainerReport;
import io.cainjekt.policy.PolicyInput;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds the view of one container after the plugin restarted, from what survives a restart: the
 * staged directory (its {@code custom-ca.pem} tells which CA version it holds) and the runtime's
 * description of the container and its pod. Stateless.
 */
final class Resync {

  private static final long MAX_CUSTOM_CA_BYTES = 16L << 20;

  private Resync() {}

  /** Restores the entry of {@code c} when it has a staged directory; otherwise does nothing. */
  static void restore(
      ContainerInfo c,
      PodInfo pod,
      InjectionHandlers.Services services,
      InjectedContainers containers) {
    if (!services.staging().containerIds().contains(c.id())) {
      return;
    }
    Path customCa = services.staging().directory(c.id()).resolve(Staging.CUSTOM_CA);
    PemBundle staged;
    try {
      if (Files.size(customCa) > MAX_CUSTOM_CA_BYTES) {
        return;
      }
      staged = PemBundle.parseLenient(customCa.toString(), Files.readAllBytes(customCa));
    } catch (IOException e) {
      return; // ignored: an unreadable staged file is treated as not ours; retainOnly keeps it
    }
    Optional<ContainerRoots.Root> root = Optional.empty();
    if (c.state() == ContainerState.RUNNING || c.pid() > 0) {
      try {
        root = services.roots().find(c.id(), c.pid());
      } catch (IOException e) {
        root = Optional.empty(); // ignored: rotation falls back to the staged files only
      }
    }
    containers.put(
        InjectedContainers.Entry.of(
            c,
            pod,
            bundleName(c, pod, services),
            staged.contentHash(),
            root.isPresent() ? ContainerReport.State.INJECTED : ContainerReport.State.STAGED,
            root,
            ProcessorSelection.ALL));
  }

  /** The bundle a restored container uses: the pod's choice, else the default. */
  private static String bundleName(
      ContainerInfo c, PodInfo pod, InjectionHandlers.Services services) {
    var decision =
        services
            .policy()
            .decide(
                new PolicyInput(pod.annotations(), pod.labels(), Optional.of(Map.of()), c.name()));
    return decision.bundle().orElse(services.bundles().defaultBundle().name());
  }
}
