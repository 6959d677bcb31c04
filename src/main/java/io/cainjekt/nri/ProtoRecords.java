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

  static PodInfo pod(PodSandbox p) {
    return new PodInfo(
        p.getId(),
        p.getName(),
        p.getUid(),
        p.getNamespace(),
        p.getLabelsMap(),
        p.getAnnotationsMap(),
        p.getRuntimeHandler(),
        p.getPid());
  }

  static ContainerInfo container(Container c) {
    return new ContainerInfo(
        c.getId(),
        c.getPodSandboxId(),
        c.getName(),
        state(c.getStateValue()),
        c.getPid(),
        c.getArgsList(),
        c.getEnvList(),
        c.getMountsList().stream().map(ProtoRecords::mount).toList(),
        c.getLabelsMap(),
        c.getAnnotationsMap());
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
