// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import io.cainjekt.nri.proto.Container;
import io.cainjekt.nri.proto.ContainerAdjustment;
import io.cainjekt.nri.proto.KeyValue;
import io.cainjekt.nri.proto.PodSandbox;
import java.util.List;

/** Translates NRI protobuf messages to our records and back. Stateless. */
final class ProtoRecords {

  private ProtoRecords() {}

  /**
   * Loads and initialises the NRI message classes and this translation once, so the first real
   * CreateContainer does not pay class loading inside the runtime's 2 s request deadline.
   */
  static void warmUp() {
    Container sample =
        Container.newBuilder()
            .setId("warm-up")
            .addEnv("A=b")
            .addMounts(io.cainjekt.nri.proto.Mount.newBuilder().setDestination("/d"))
            .putAnnotations("k", "v")
            .build();
    try {
      io.cainjekt.nri.proto.CreateContainerRequest request =
          io.cainjekt.nri.proto.CreateContainerRequest.parseFrom(
              io.cainjekt.nri.proto.CreateContainerRequest.newBuilder()
                  .setPod(PodSandbox.newBuilder().setId("warm-up"))
                  .setContainer(sample)
                  .build()
                  .toByteArray());
      pod(request.getPod());
      container(request.getContainer());
      adjustment(new Adjustment(List.of(), java.util.Map.of("A", "b"), java.util.Map.of()));
      io.cainjekt.nri.proto.StateChangeEvent.parseFrom(new byte[0]);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("warm-up message does not parse", e);
    }
  }

  static PodInfo pod(PodSandbox p) {
    return new PodInfo(
        p.getId(),
        p.getName(),
        p.getUid(),
        p.getNamespace(),
        p.getLabelsMap(),
        p.getAnnotationsMap(),
        p.getRuntimeHandler(),
        pid(p.getPid()));
  }

  static ContainerInfo container(Container c) {
    return new ContainerInfo(
        c.getId(),
        c.getPodSandboxId(),
        c.getName(),
        state(c.getStateValue()),
        pid(c.getPid()),
        c.getArgsList(),
        c.getEnvList(),
        c.getMountsList().stream().map(ProtoRecords::mount).toList(),
        c.getLabelsMap(),
        c.getAnnotationsMap());
  }

  /**
   * A pid is a uint32 on the wire; one beyond {@link Integer#MAX_VALUE} (no Linux pid, pid_max is
   * at most 2^22) would read as a negative int, so it maps to 0, "no pid", like an absent one.
   */
  static int pid(int wire) {
    return Math.max(wire, 0);
  }

  static ContainerState state(int wire) {
    return switch (wire) {
      case 1 -> ContainerState.CREATED;
      case 2 -> ContainerState.PAUSED;
      case 3 -> ContainerState.RUNNING;
      case 4 -> ContainerState.STOPPED;
      default -> ContainerState.UNKNOWN;
    };
  }

  static Mount mount(io.cainjekt.nri.proto.Mount m) {
    return new Mount(m.getDestination(), m.getType(), m.getSource(), m.getOptionsList());
  }

  static io.cainjekt.nri.proto.Mount mount(Mount m) {
    return io.cainjekt.nri.proto.Mount.newBuilder()
        .setDestination(m.destination())
        .setType(m.type())
        .setSource(m.source())
        .addAllOptions(m.options())
        .build();
  }

  static io.cainjekt.nri.proto.ContainerEviction eviction(ContainerEviction e) {
    return io.cainjekt.nri.proto.ContainerEviction.newBuilder()
        .setContainerId(e.containerId())
        .setReason(e.reason())
        .build();
  }

  static ContainerAdjustment adjustment(Adjustment a) {
    List<KeyValue> env =
        a.env().entrySet().stream()
            .map(e -> KeyValue.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build())
            .toList();
    return ContainerAdjustment.newBuilder()
        .putAllAnnotations(a.annotations())
        .addAllMounts(a.mounts().stream().map(ProtoRecords::mount).toList())
        .addAllEnv(env)
        .build();
  }
}
