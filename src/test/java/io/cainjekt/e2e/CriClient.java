// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import io.cainjekt.e2e.cri.Capability;
import io.cainjekt.e2e.cri.ContainerConfig;
import io.cainjekt.e2e.cri.ContainerFilter;
import io.cainjekt.e2e.cri.ContainerMetadata;
import io.cainjekt.e2e.cri.ContainerStatus;
import io.cainjekt.e2e.cri.ContainerStatusRequest;
import io.cainjekt.e2e.cri.CreateContainerRequest;
import io.cainjekt.e2e.cri.ExecSyncRequest;
import io.cainjekt.e2e.cri.ExecSyncResponse;
import io.cainjekt.e2e.cri.ImageServiceGrpc;
import io.cainjekt.e2e.cri.ImageSpec;
import io.cainjekt.e2e.cri.ImageStatusRequest;
import io.cainjekt.e2e.cri.Int64Value;
import io.cainjekt.e2e.cri.KeyValue;
import io.cainjekt.e2e.cri.LinuxContainerConfig;
import io.cainjekt.e2e.cri.LinuxContainerSecurityContext;
import io.cainjekt.e2e.cri.LinuxPodSandboxConfig;
import io.cainjekt.e2e.cri.LinuxSandboxSecurityContext;
import io.cainjekt.e2e.cri.ListContainersRequest;
import io.cainjekt.e2e.cri.Mount;
import io.cainjekt.e2e.cri.NamespaceMode;
import io.cainjekt.e2e.cri.NamespaceOption;
import io.cainjekt.e2e.cri.PodSandboxConfig;
import io.cainjekt.e2e.cri.PodSandboxMetadata;
import io.cainjekt.e2e.cri.PodSandboxStatusRequest;
import io.cainjekt.e2e.cri.RemoveContainerRequest;
import io.cainjekt.e2e.cri.RemovePodSandboxRequest;
import io.cainjekt.e2e.cri.RunPodSandboxRequest;
import io.cainjekt.e2e.cri.RuntimeServiceGrpc;
import io.cainjekt.e2e.cri.StartContainerRequest;
import io.cainjekt.e2e.cri.StatusRequest;
import io.cainjekt.e2e.cri.StopContainerRequest;
import io.cainjekt.e2e.cri.StopPodSandboxRequest;
import io.cainjekt.e2e.cri.VersionRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * CRI client that talks to containerd like kubelet does: grpc-java over containerd's unix socket
 * (grpc-netty-shaded's epoll transport), host-network pods from {@link PodSpec} (any other sandbox
 * from a caller's config), every call timed into {@link #timings()}. Thread-safe.
 */
public final class CriClient implements AutoCloseable {

  /** Deadline of every call except ExecSync (which gets its own timeout plus this). */
  static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  private final ManagedChannel channel;
  private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
  private final ImageServiceGrpc.ImageServiceBlockingStub images;
  private final CallTimings timings;

  /** Connects (lazily) to the CRI socket; {@code timings} collects every call's latency. */
  public CriClient(Path socket, CallTimings timings) {
    // The unix:// builder is netty's. grpc sets SO_KEEPALIVE on every netty transport, and a
    // unix-socket channel has no such option, so netty warns on every connect; null removes it.
    NettyChannelBuilder builder =
        (NettyChannelBuilder)
            Grpc.newChannelBuilder(
                "unix://" + socket.toAbsolutePath(), InsecureChannelCredentials.create());
    this.channel = builder.withOption(ChannelOption.SO_KEEPALIVE, null).build();
    this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
    this.images = ImageServiceGrpc.newBlockingStub(channel);
    this.timings = timings;
  }

  /** Latencies of the calls made so far. */
  public CallTimings timings() {
    return timings;
  }

  /** Runtime name and version, e.g. "containerd v1.7.24~ds1". */
  public String version() {
    var v = timed("Version", () -> rt().version(VersionRequest.newBuilder().build()));
    return v.getRuntimeName() + " " + v.getRuntimeVersion();
  }

  /** True when the runtime reports RuntimeReady (NetworkReady is not needed: host network). */
  public boolean runtimeReady() {
    var status = timed("Status", () -> rt().status(StatusRequest.newBuilder().build()));
    return status.getStatus().getConditionsList().stream()
        .anyMatch(c -> c.getType().equals("RuntimeReady") && c.getStatus());
  }

  /** True when the image is in containerd's k8s.io namespace. */
  public boolean imagePresent(String image) {
    var request = ImageStatusRequest.newBuilder().setImage(imageSpec(image)).build();
    return timed("ImageStatus", () -> img().imageStatus(request)).hasImage();
  }

  /** RunPodSandbox for a host-network pod without hostname; returns the sandbox id. */
  public String runPodSandbox(PodSpec pod) {
    return runPodSandbox(sandboxConfig(pod));
  }

  /** RunPodSandbox with a config built by the caller (any network mode); returns its id. */
  public String runPodSandbox(PodSandboxConfig config) {
    var request = RunPodSandboxRequest.newBuilder().setConfig(config).build();
    return timed("RunPodSandbox", () -> rt().runPodSandbox(request)).getPodSandboxId();
  }

  /** The sandbox's IP on the pod network (empty for a host-network sandbox). */
  public String podIp(String podId) {
    var request = PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build();
    return timed("PodSandboxStatus", () -> rt().podSandboxStatus(request))
        .getStatus()
        .getNetwork()
        .getIp();
  }

  /** CreateContainer in {@code podId} (created from {@code pod}); returns the container id. */
  public String createContainer(String podId, PodSpec pod, ContainerSpec spec) {
    return createContainer(podId, containerConfig(spec), sandboxConfig(pod));
  }

  /** CreateContainer with configs built by the caller; returns the container id. */
  public String createContainer(String podId, ContainerConfig config, PodSandboxConfig sandbox) {
    var request =
        CreateContainerRequest.newBuilder()
            .setPodSandboxId(podId)
            .setConfig(config)
            .setSandboxConfig(sandbox)
            .build();
    return timed("CreateContainer", () -> rt().createContainer(request)).getContainerId();
  }

  public void startContainer(String containerId) {
    var request = StartContainerRequest.newBuilder().setContainerId(containerId).build();
    timed("StartContainer", () -> rt().startContainer(request));
  }

  /** ExecSync: runs {@code cmd} in the container and waits at most {@code timeout}. */
  public ExecResult execSync(String containerId, Duration timeout, String... cmd) {
    var request =
        ExecSyncRequest.newBuilder()
            .setContainerId(containerId)
            .addAllCmd(List.of(cmd))
            .setTimeout(Math.max(1, timeout.toSeconds()))
            .build();
    long deadlineMillis = timeout.plus(CALL_DEADLINE).toMillis();
    ExecSyncResponse response =
        timed(
            "ExecSync",
            () ->
                runtime.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).execSync(request));
    return new ExecResult(
        response.getExitCode(),
        response.getStdout().toByteArray(),
        response.getStderr().toByteArray());
  }

  public ContainerStatus containerStatus(String containerId) {
    var request = ContainerStatusRequest.newBuilder().setContainerId(containerId).build();
    return timed("ContainerStatus", () -> rt().containerStatus(request)).getStatus();
  }

  /** ContainerStatus with verbose info (containerd puts the OCI spec JSON under "info"). */
  public Map<String, String> containerInfo(String containerId) {
    var request =
        ContainerStatusRequest.newBuilder().setContainerId(containerId).setVerbose(true).build();
    return timed("ContainerStatus", () -> rt().containerStatus(request)).getInfoMap();
  }

  /** ListContainers of one pod (all pods when {@code podId} is null). */
  public List<io.cainjekt.e2e.cri.Container> listContainers(String podId) {
    var filter = ContainerFilter.newBuilder();
    if (podId != null) {
      filter.setPodSandboxId(podId);
    }
    var request = ListContainersRequest.newBuilder().setFilter(filter).build();
    return timed("ListContainers", () -> rt().listContainers(request)).getContainersList();
  }

  public void stopContainer(String containerId, Duration grace) {
    var request =
        StopContainerRequest.newBuilder()
            .setContainerId(containerId)
            .setTimeout(grace.toSeconds())
            .build();
    timed("StopContainer", () -> rt().stopContainer(request));
  }

  public void removeContainer(String containerId) {
    var request = RemoveContainerRequest.newBuilder().setContainerId(containerId).build();
    timed("RemoveContainer", () -> rt().removeContainer(request));
  }

  public void stopPodSandbox(String podId) {
    var request = StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build();
    timed("StopPodSandbox", () -> rt().stopPodSandbox(request));
  }

  public void removePodSandbox(String podId) {
    var request = RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build();
    timed("RemovePodSandbox", () -> rt().removePodSandbox(request));
  }

  /** StopPodSandbox then RemovePodSandbox (which removes its containers), like kubelet. */
  public void removePod(String podId) {
    stopPodSandbox(podId);
    removePodSandbox(podId);
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return runtime.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ImageServiceGrpc.ImageServiceBlockingStub img() {
    return images.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T timed(String method, Supplier<T> call) {
    long start = System.nanoTime();
    try {
      return call.get();
    } finally {
      timings.record(method, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private static ImageSpec imageSpec(String image) {
    return ImageSpec.newBuilder().setImage(image).build();
  }

  private static NamespaceOption hostNetwork() {
    return NamespaceOption.newBuilder()
        .setNetwork(NamespaceMode.NODE)
        .setPid(NamespaceMode.CONTAINER)
        .setIpc(NamespaceMode.POD)
        .build();
  }

  private static PodSandboxConfig sandboxConfig(PodSpec pod) {
    return PodSandboxConfig.newBuilder()
        .setMetadata(
            PodSandboxMetadata.newBuilder()
                .setName(pod.name())
                .setNamespace(pod.namespace())
                .setUid(pod.uid())
                .setAttempt(0))
        .putAllLabels(pod.labels())
        .putAllAnnotations(pod.annotations())
        .setLinux(
            LinuxPodSandboxConfig.newBuilder()
                .setSecurityContext(
                    LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(hostNetwork())))
        .build();
  }

  private static ContainerConfig containerConfig(ContainerSpec spec) {
    var security =
        LinuxContainerSecurityContext.newBuilder()
            .setNamespaceOptions(hostNetwork())
            .setReadonlyRootfs(spec.readonlyRootfs());
    spec.runAsUser().ifPresent(uid -> security.setRunAsUser(Int64Value.newBuilder().setValue(uid)));
    if (!spec.addCapabilities().isEmpty()) {
      security.setCapabilities(
          Capability.newBuilder().addAllAddCapabilities(spec.addCapabilities()));
    }
    var config =
        ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName(spec.name()).setAttempt(0))
            .setImage(imageSpec(spec.image()))
            .addAllCommand(spec.command())
            .addAllArgs(spec.args())
            .putAllLabels(spec.labels())
            .putAllAnnotations(spec.annotations())
            .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security));
    spec.env().forEach((k, v) -> config.addEnvs(KeyValue.newBuilder().setKey(k).setValue(v)));
    for (ContainerSpec.MountSpec m : spec.mounts()) {
      config.addMounts(
          Mount.newBuilder()
              .setHostPath(m.hostPath().toAbsolutePath().toString())
              .setContainerPath(m.containerPath())
              .setReadonly(m.readonly()));
    }
    return config.build();
  }
}
