// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import io.cainjekt.deploy.KubeletPlan.ConfigMap;
import io.cainjekt.deploy.KubeletPlan.EmptyDir;
import io.cainjekt.deploy.KubeletPlan.HostPath;
import io.cainjekt.deploy.KubeletPlan.Volume;
import io.cainjekt.e2e.CriClient;
import io.cainjekt.e2e.Shell;
import io.cainjekt.e2e.cri.Capability;
import io.cainjekt.e2e.cri.ContainerConfig;
import io.cainjekt.e2e.cri.ContainerMetadata;
import io.cainjekt.e2e.cri.ImageSpec;
import io.cainjekt.e2e.cri.Int64Value;
import io.cainjekt.e2e.cri.KeyValue;
import io.cainjekt.e2e.cri.LinuxContainerConfig;
import io.cainjekt.e2e.cri.LinuxContainerResources;
import io.cainjekt.e2e.cri.LinuxContainerSecurityContext;
import io.cainjekt.e2e.cri.LinuxPodSandboxConfig;
import io.cainjekt.e2e.cri.LinuxSandboxSecurityContext;
import io.cainjekt.e2e.cri.Mount;
import io.cainjekt.e2e.cri.NamespaceMode;
import io.cainjekt.e2e.cri.NamespaceOption;
import io.cainjekt.e2e.cri.PodSandboxConfig;
import io.cainjekt.e2e.cri.PodSandboxMetadata;
import io.cainjekt.e2e.cri.SecurityProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link KubeletPlan} run on a CRI runtime the way the kubelet runs it: the volumes prepared on
 * the node (hostPath directories created, emptyDir as a directory or a size-limited tmpfs,
 * ConfigMaps projected with {@link ConfigMapProjection}), RunPodSandbox with the plan's namespaces,
 * then CreateContainer and StartContainer with its security context, memory limit, mounts and a CRI
 * log file. Not thread-safe.
 */
final class KubeletPod implements AutoCloseable {

  private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(30);

  private final CriClient cri;
  private final KubeletPlan plan;
  private final Path podDir;
  private final PodSandboxConfig sandbox;
  private final String podId;
  private final List<Path> tmpfs;
  private final List<Mount> mounts;
  private int attempt;
  private String containerId;

  private KubeletPod(
      CriClient cri,
      KubeletPlan plan,
      Path podDir,
      PodSandboxConfig sandbox,
      String podId,
      List<Path> tmpfs,
      List<Mount> mounts) {
    this.cri = cri;
    this.plan = plan;
    this.podDir = podDir;
    this.sandbox = sandbox;
    this.podId = podId;
    this.tmpfs = tmpfs;
    this.mounts = mounts;
  }

  /**
   * Runs the sandbox of {@code plan} as pod {@code namespace/name}; volumes not on the node live
   * under {@code podDir}, ConfigMaps come from {@code configMaps} (by ConfigMap name). The
   * container is not started yet: {@link #startContainer()}.
   */
  static KubeletPod runSandbox(
      CriClient cri,
      KubeletPlan plan,
      String namespace,
      String name,
      Path podDir,
      Map<String, ConfigMapProjection> configMaps)
      throws IOException {
    List<Path> tmpfs = new ArrayList<>();
    Map<String, Path> volumes = prepareVolumes(plan, podDir, configMaps, tmpfs);
    Files.createDirectories(podDir.resolve("logs"));
    var namespaces = namespaces(plan);
    PodSandboxConfig sandbox =
        PodSandboxConfig.newBuilder()
            .setMetadata(
                PodSandboxMetadata.newBuilder()
                    .setName(name)
                    .setNamespace(namespace)
                    .setUid(UUID.randomUUID().toString()))
            .setHostname(plan.sandbox().hostNetwork() ? "" : name)
            .setLogDirectory(podDir.resolve("logs").toString())
            .putAllLabels(plan.sandbox().labels())
            .putAllAnnotations(plan.sandbox().annotations())
            .setLinux(
                LinuxPodSandboxConfig.newBuilder()
                    .setSecurityContext(
                        LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(namespaces)))
            .build();
    List<Mount> mounts = mounts(plan, volumes);
    String podId = cri.runPodSandbox(sandbox);
    return new KubeletPod(cri, plan, podDir, sandbox, podId, tmpfs, mounts);
  }

  /** CreateContainer and StartContainer of the plan's container (attempt 0, 1, ...). */
  String startContainer() {
    return startContainer(plan.container());
  }

  /** The same with another container config, e.g. one capability less. */
  String startContainer(KubeletPlan.Container container) {
    containerId = cri.createContainer(podId, containerConfig(container, attempt++), sandbox);
    cri.startContainer(containerId);
    return containerId;
  }

  String podId() {
    return podId;
  }

  /** The container started last. */
  String containerId() {
    return containerId;
  }

  /** The pod's IP on the pod network (the host's network for a host-network pod: empty). */
  String ip() {
    return cri.podIp(podId);
  }

  /** The CRI log file of the container started last ({@code <time> <stream> <tag> <line>}). */
  Path logFile() {
    return podDir.resolve("logs").resolve(plan.container().name() + "/" + (attempt - 1) + ".log");
  }

  /** StopContainer with the plan's terminationGracePeriodSeconds; returns how long it took. */
  Duration stopContainer() {
    long start = System.nanoTime();
    cri.stopContainer(containerId, plan.sandbox().terminationGracePeriod());
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** RemoveContainer of the container started last. */
  void removeContainer() {
    cri.removeContainer(containerId);
  }

  @Override
  public void close() {
    try {
      cri.removePod(podId);
    } finally {
      for (Path t : tmpfs) {
        Shell.run(MOUNT_TIMEOUT, List.of("umount", t.toString()));
      }
    }
  }

  private static NamespaceOption namespaces(KubeletPlan plan) {
    return NamespaceOption.newBuilder()
        .setNetwork(plan.sandbox().hostNetwork() ? NamespaceMode.NODE : NamespaceMode.POD)
        .setPid(plan.sandbox().hostPid() ? NamespaceMode.NODE : NamespaceMode.CONTAINER)
        .setIpc(NamespaceMode.POD)
        .build();
  }

  private static SecurityProfile seccomp(KubeletPlan plan) {
    return SecurityProfile.newBuilder()
        .setProfileType(
            switch (plan.container().seccompProfile()) {
              case "RuntimeDefault" -> SecurityProfile.ProfileType.RuntimeDefault;
              case "Unconfined" -> SecurityProfile.ProfileType.Unconfined;
              default ->
                  throw new IllegalArgumentException(
                      "seccompProfile " + plan.container().seccompProfile());
            })
        .build();
  }

  /** The host directory of each volume, made the way the kubelet makes it. */
  private static Map<String, Path> prepareVolumes(
      KubeletPlan plan, Path podDir, Map<String, ConfigMapProjection> configMaps, List<Path> tmpfs)
      throws IOException {
    Map<String, Path> out = new LinkedHashMap<>();
    for (Map.Entry<String, Volume> e : plan.volumes().entrySet()) {
      Path dir =
          switch (e.getValue()) {
            case HostPath h -> hostPath(h);
            case EmptyDir d -> emptyDir(podDir.resolve("empty-dir").resolve(e.getKey()), d, tmpfs);
            case ConfigMap c -> {
              ConfigMapProjection p = configMaps.get(c.name());
              if (p == null) {
                throw new IllegalArgumentException("no ConfigMap " + c.name() + " given");
              }
              yield p.dir();
            }
          };
      out.put(e.getKey(), dir);
    }
    return out;
  }

  private static Path hostPath(HostPath h) throws IOException {
    Path path = Path.of(h.path());
    switch (h.type()) {
      case "DirectoryOrCreate" -> Files.createDirectories(path);
      case "Directory" -> {
        if (!Files.isDirectory(path)) {
          throw new IllegalStateException("hostPath " + path + " is not a directory");
        }
      }
      case "" -> {}
      default -> throw new IllegalArgumentException("hostPath type " + h.type());
    }
    return path;
  }

  private static Path emptyDir(Path dir, EmptyDir d, List<Path> tmpfs) throws IOException {
    Files.createDirectories(dir);
    if (d.medium().equals("Memory")) {
      String size = d.sizeLimitBytes() > 0 ? ",size=" + d.sizeLimitBytes() : "";
      Shell.run(
          MOUNT_TIMEOUT,
          List.of("mount", "-t", "tmpfs", "-o", "mode=0777" + size, "tmpfs", dir.toString()));
      tmpfs.add(dir);
    }
    return dir;
  }

  private static List<Mount> mounts(KubeletPlan plan, Map<String, Path> volumes) {
    List<Mount> out = new ArrayList<>();
    for (KubeletPlan.Mount m : plan.container().mounts()) {
      Path host = volumes.get(m.volume());
      if (host == null) {
        throw new IllegalArgumentException("volumeMount " + m.volume() + ": no such volume");
      }
      out.add(
          Mount.newBuilder()
              .setHostPath(host.toString())
              .setContainerPath(m.mountPath())
              .setReadonly(m.readOnly())
              .build());
    }
    return List.copyOf(out);
  }

  private ContainerConfig containerConfig(KubeletPlan.Container c, int attemptNumber) {
    var security =
        LinuxContainerSecurityContext.newBuilder()
            .setNamespaceOptions(namespaces(plan))
            .setCapabilities(
                Capability.newBuilder()
                    .addAllAddCapabilities(c.addCapabilities())
                    .addAllDropCapabilities(c.dropCapabilities()))
            .setPrivileged(c.privileged())
            .setNoNewPrivs(!c.allowPrivilegeEscalation())
            .setReadonlyRootfs(c.readOnlyRootFilesystem())
            .setSeccomp(seccomp(plan));
    c.runAsUser().ifPresent(u -> security.setRunAsUser(Int64Value.newBuilder().setValue(u)));
    c.runAsGroup().ifPresent(g -> security.setRunAsGroup(Int64Value.newBuilder().setValue(g)));
    var resources =
        LinuxContainerResources.newBuilder().setMemoryLimitInBytes(c.memoryLimitBytes());
    var config =
        ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName(c.name()).setAttempt(attemptNumber))
            .setImage(ImageSpec.newBuilder().setImage(c.image()))
            .addAllCommand(c.command())
            .addAllArgs(c.args())
            .addAllMounts(mounts)
            .setLogPath(c.name() + "/" + attemptNumber + ".log")
            .setLinux(
                LinuxContainerConfig.newBuilder()
                    .setSecurityContext(security)
                    .setResources(resources));
    c.env().forEach((k, v) -> config.addEnvs(KeyValue.newBuilder().setKey(k).setValue(v)));
    return config.build();
  }
}
