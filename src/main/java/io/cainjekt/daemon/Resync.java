// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.EnvMerger;
import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.Ownership;
import io.cainjekt.inject.Staging;
import io.cainjekt.inject.StatusDocument;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the view of one container after the plugin restarted, from what survives a restart: the
 * staged directory (its {@code custom-ca.pem} tells which CA version it holds) and the runtime's
 * description of the container and its pod (a container whose spec lacks the {@code /etc/cainjekt}
 * mount was injected late). Stateless.
 */
final class Resync {

  private static final long MAX_CUSTOM_CA_BYTES = 16L << 20;
  private static final Logger log = LoggerFactory.getLogger(Resync.class);

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
    boolean late = c.mounts().stream().noneMatch(m -> m.destination().equals(EnvMerger.MOUNT_PATH));
    ContainerReport.State state =
        late
            ? ContainerReport.State.LATE
            : root.isPresent() ? ContainerReport.State.INJECTED : ContainerReport.State.STAGED;
    Injection injection = Injection.before(state, staged.contentHash(), root);
    if (state == ContainerReport.State.INJECTED) {
      injection =
          recordedStatus(services.staging(), c.id()).map(injection::recorded).orElse(injection);
    }
    containers.put(
        Staged.of(pod, c, bundleName(c, pod, services), ProcessorSelection.ALL, late), injection);
  }

  /**
   * The run the last injection of container {@code id} recorded in its staged status.json; empty
   * when there is none (or only the staged defaults' document) or it is unreadable.
   */
  private static Optional<InjectionReport> recordedStatus(Staging staging, String id) {
    try {
      return StatusDocument.read(staging.directory(id).resolve(Staging.STATUS));
    } catch (IOException e) {
      log.atDebug()
          .setMessage("staging: status.json unreadable, the container's details stay empty")
          .addKeyValue("container_id", id)
          .setCause(e)
          .log();
      return Optional.empty();
    }
  }

  /**
   * What the plugin added to the container's trust stores, as staged beside its files ({@link
   * InjectionReport#OWNERSHIP}); nothing for a container not injected yet. An unreadable record is
   * logged and treated as nothing owned: the CAs it lists then stay where they are.
   */
  static Ownership ownership(Staging staging, String id) {
    Path file = staging.directory(id).resolve(InjectionReport.OWNERSHIP);
    try {
      if (!Files.exists(file)) {
        return Ownership.NONE;
      }
      if (Files.size(file) > Ownership.MAX_BYTES) {
        throw new IOException("larger than " + Ownership.MAX_BYTES + " bytes");
      }
      return Ownership.parse(Files.readAllBytes(file));
    } catch (IOException | IllegalArgumentException e) {
      log.atWarn()
          .setMessage("staging: ownership record unreadable, nothing is taken out")
          .addKeyValue("container_id", id)
          .setCause(e)
          .log();
      return Ownership.NONE;
    }
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
