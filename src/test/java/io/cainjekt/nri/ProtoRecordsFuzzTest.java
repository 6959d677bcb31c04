// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cainjekt.fuzz.KnownFieldValues;
import io.cainjekt.fuzz.Mutator;
import io.cainjekt.fuzz.UnknownFields;
import io.cainjekt.nri.proto.ConfigureRequest;
import io.cainjekt.nri.proto.Container;
import io.cainjekt.nri.proto.CreateContainerRequest;
import io.cainjekt.nri.proto.PodSandbox;
import io.cainjekt.nri.proto.PostCreateContainerRequest;
import io.cainjekt.nri.proto.PostStartContainerRequest;
import io.cainjekt.nri.proto.RemoveContainerRequest;
import io.cainjekt.nri.proto.RemovePodSandboxRequest;
import io.cainjekt.nri.proto.RunPodSandboxRequest;
import io.cainjekt.nri.proto.StartContainerRequest;
import io.cainjekt.nri.proto.StateChangeEvent;
import io.cainjekt.nri.proto.StopContainerRequest;
import io.cainjekt.nri.proto.StopPodSandboxRequest;
import io.cainjekt.nri.proto.SynchronizeRequest;
import io.cainjekt.nri.proto.UpdateContainerRequest;
import io.cainjekt.wire.ttrpc.StatusCode;
import io.cainjekt.wire.ttrpc.proto.Request;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Properties of the NRI message → record mapping ({@link ProtoRecords} behind {@link
 * PluginService}): fields our .proto does not declare, anywhere in a real message, change nothing;
 * and any values in the declared fields map to a record or fail only to parse.
 */
class ProtoRecordsFuzzTest {

  /** Parse plus mapping of one request type, as {@link PluginService} does it. */
  @FunctionalInterface
  private interface Mapping {
    Object map(byte[] payload) throws InvalidProtocolBufferException;
  }

  private static final Map<Descriptor, Mapping> MAPPINGS =
      Map.ofEntries(
          Map.entry(
              CreateContainerRequest.getDescriptor(),
              b -> both(CreateContainerRequest.parseFrom(b).getPod(), parseContainer(b))),
          Map.entry(
              PostCreateContainerRequest.getDescriptor(),
              b -> both(PostCreateContainerRequest.parseFrom(b).getPod(), parseContainer(b))),
          Map.entry(
              StartContainerRequest.getDescriptor(),
              b -> both(StartContainerRequest.parseFrom(b).getPod(), parseContainer(b))),
          Map.entry(
              PostStartContainerRequest.getDescriptor(),
              b -> both(PostStartContainerRequest.parseFrom(b).getPod(), parseContainer(b))),
          Map.entry(
              UpdateContainerRequest.getDescriptor(),
              b -> both(UpdateContainerRequest.parseFrom(b).getPod(), parseContainer(b))),
          Map.entry(
              StopContainerRequest.getDescriptor(),
              b -> both(StopContainerRequest.parseFrom(b).getPod(), parseContainer(b))),
          Map.entry(
              RemoveContainerRequest.getDescriptor(),
              b -> both(RemoveContainerRequest.parseFrom(b).getPod(), parseContainer(b))),
          Map.entry(
              RunPodSandboxRequest.getDescriptor(),
              b -> ProtoRecords.pod(RunPodSandboxRequest.parseFrom(b).getPod())),
          Map.entry(
              StopPodSandboxRequest.getDescriptor(),
              b -> ProtoRecords.pod(StopPodSandboxRequest.parseFrom(b).getPod())),
          Map.entry(
              RemovePodSandboxRequest.getDescriptor(),
              b -> ProtoRecords.pod(RemovePodSandboxRequest.parseFrom(b).getPod())),
          Map.entry(
              StateChangeEvent.getDescriptor(),
              b -> {
                StateChangeEvent e = StateChangeEvent.parseFrom(b);
                return List.of(
                    Event.of(e.getEventValue()),
                    ProtoRecords.pod(e.getPod()),
                    ProtoRecords.container(e.getContainer()));
              }),
          Map.entry(
              SynchronizeRequest.getDescriptor(),
              b -> {
                SynchronizeRequest s = SynchronizeRequest.parseFrom(b);
                return new SyncSnapshot(
                    s.getPodsList().stream().map(ProtoRecords::pod).toList(),
                    s.getContainersList().stream().map(ProtoRecords::container).toList());
              }),
          Map.entry(
              ConfigureRequest.getDescriptor(), b -> ConfigureRequest.parseFrom(b).getAllFields()));

  private static List<Object> both(PodSandbox pod, ContainerInfo container) {
    return List.of(ProtoRecords.pod(pod), container);
  }

  /** Every request type above has {pod = 1, container = 2}; StartContainerRequest reads both. */
  private static ContainerInfo parseContainer(byte[] b) throws InvalidProtocolBufferException {
    return ProtoRecords.container(StartContainerRequest.parseFrom(b).getContainer());
  }

  @Test
  void undeclaredFieldsAnywhereInARealRequestLeaveTheMappedRecordsUnchanged() throws Exception {
    List<Request> seeds = NriSeeds.requests();
    Map<Request, PluginProbe.Outcome> expected = new HashMap<>();
    try (PluginProbe probe = new PluginProbe()) {
      for (Request seed : seeds) {
        PluginProbe.Outcome o = probe.call(seed.toByteArray());
        assertThat(o.code()).as("%s answers OK", seed.getMethod()).isEqualTo(StatusCode.OK);
        if (reachesAHandler(seed)) {
          assertThat(o.seen()).as("%s reaches a handler", seed.getMethod()).isNotEmpty();
        }
        expected.put(seed, o);
      }
      int cases = Mutator.cases(1000);
      for (int i = 0; i < cases; i++) {
        Mutator m = Mutator.forCase(i);
        Request seed = m.pick(seeds);
        UnknownFields unknown = new UnknownFields(m);
        byte[] payload =
            unknown.insert(
                NriSeeds.PAYLOAD_TYPES.get(seed.getMethod()), seed.getPayload().toByteArray());
        byte[] envelope =
            seed.toBuilder().setPayload(ByteString.copyFrom(payload)).build().toByteArray();
        if (m.random().nextBoolean()) {
          envelope = unknown.insert(Request.getDescriptor(), envelope);
        }

        assertThat(probe.call(envelope))
            .as(
                "case %d (seed %d): %s with %d undeclared fields",
                i, Mutator.baseSeed() + i, seed.getMethod(), unknown.inserted())
            .isEqualTo(expected.get(seed));
      }
    }
  }

  /**
   * UpdateContainer, and StateChange for CreateContainer (its own RPC) and the update events, have
   * no handler to record them.
   */
  private static boolean reachesAHandler(Request seed) throws InvalidProtocolBufferException {
    return switch (seed.getMethod()) {
      case "UpdateContainer" -> false;
      case "StateChange" -> {
        int event = StateChangeEvent.parseFrom(seed.getPayload()).getEventValue();
        yield event != Event.CREATE_CONTAINER.number()
            && event != Event.UPDATE_CONTAINER.number()
            && event != Event.POST_UPDATE_CONTAINER.number();
      }
      default -> true;
    };
  }

  @Test
  void anyValuesInTheDeclaredFieldsMapToARecordOrFailOnlyToParse() {
    List<Descriptor> types = List.copyOf(MAPPINGS.keySet());
    int mapped = 0;
    int cases = Mutator.cases(600);
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      Descriptor type = types.get(m.random().nextInt(types.size()));
      byte[] payload = new KnownFieldValues(m).message(type);
      Object result;
      try {
        result = MAPPINGS.get(type).map(payload);
      } catch (InvalidProtocolBufferException documented) {
        continue; // the one documented failure: the bytes are not a valid message
      } catch (RuntimeException e) {
        throw new AssertionError("case " + i + " (" + type.getName() + "): mapping threw " + e, e);
      }
      mapped++;
      assertThat(result).as("case %d", i).isNotNull();
      assertNoNegativePid(result, i);
    }
    assertThat(mapped).as("cases that parsed and mapped").isGreaterThan(cases / 2);
  }

  private static void assertNoNegativePid(Object result, int i) {
    switch (result) {
      case PodInfo p -> assertThat(p.pid()).as("case %d pod pid", i).isNotNegative();
      case ContainerInfo c -> assertThat(c.pid()).as("case %d container pid", i).isNotNegative();
      case SyncSnapshot s -> {
        s.pods().forEach(p -> assertNoNegativePid(p, i));
        s.containers().forEach(c -> assertNoNegativePid(c, i));
      }
      case List<?> l -> l.forEach(o -> assertNoNegativePid(o, i));
      default -> {}
    }
  }

  @Test
  void aPidBeyondTheSignedIntRangeMapsToNoPidRatherThanANegativeOne() {
    // uint32 on the wire; 3_000_000_000 used to come out as -1_294_967_296
    Container c = Container.newBuilder().setId("c").setPid((int) 3_000_000_000L).build();
    PodSandbox p = PodSandbox.newBuilder().setId("p").setPid(-1).build();

    assertThat(ProtoRecords.container(c).pid()).isZero();
    assertThat(ProtoRecords.pod(p).pid()).isZero();
    assertThat(ProtoRecords.container(c.toBuilder().setPid(4_194_304).build()).pid())
        .isEqualTo(4_194_304);
  }
}
