// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cainjekt.nri.proto.ConfigureRequest;
import io.cainjekt.nri.proto.ConfigureResponse;
import io.cainjekt.nri.proto.CreateContainerRequest;
import io.cainjekt.nri.proto.CreateContainerResponse;
import io.cainjekt.nri.proto.RegisterPluginRequest;
import io.cainjekt.nri.proto.StateChangeEvent;
import io.cainjekt.nri.proto.StopContainerRequest;
import io.cainjekt.nri.proto.SynchronizeRequest;
import io.cainjekt.wire.ttrpc.FrameCodec;
import io.cainjekt.wire.ttrpc.FrameHeader;
import io.cainjekt.wire.ttrpc.GoldenHex;
import io.cainjekt.wire.ttrpc.MessageType;
import io.cainjekt.wire.ttrpc.proto.Request;
import io.cainjekt.wire.ttrpc.proto.Response;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Golden vectors captured from containerd 1.7.24 and Go NRI 0.6.1 (resources/wire/NN-*.hex). */
class NriVectorsTest {

  /** Decodes one whole ttrpc message (header + envelope) through our codec. */
  static FrameCodec.Decoded.Message decodeOne(byte[] bytes) throws Exception {
    List<FrameCodec.Decoded> out = new ArrayList<>();
    new FrameCodec().feed(ByteBuffer.wrap(bytes), out::add);
    assertThat(out).hasSize(1);
    return (FrameCodec.Decoded.Message) out.getFirst();
  }

  static Request request(String file) throws Exception {
    FrameCodec.Decoded.Message m = decodeOne(GoldenHex.load(file));
    assertThat(m.header().type()).isEqualTo(MessageType.REQUEST);
    return Request.parseFrom(m.payload());
  }

  @Test
  void registerPluginRequestDecodesToNameIndexAndDeadline() throws Exception {
    FrameCodec.Decoded.Message m = decodeOne(GoldenHex.load("01-register-plugin-request.hex"));
    Request r = Request.parseFrom(m.payload());

    assertThat(m.header()).isEqualTo(new FrameHeader(72, 1, MessageType.REQUEST, 0));
    assertThat(r.getService()).isEqualTo(NriSession.RUNTIME_SERVICE);
    assertThat(r.getMethod()).isEqualTo("RegisterPlugin");
    assertThat(r.getTimeoutNano()).isEqualTo(1_999_716_960L);
    assertThat(r.getMetadataList()).isEmpty();
    RegisterPluginRequest p = RegisterPluginRequest.parseFrom(r.getPayload());
    assertThat(p.getPluginName()).isEqualTo("cainjekt-ref");
    assertThat(p.getPluginIdx()).isEqualTo("50");
  }

  @Test
  void ourRegisterPluginRequestMatchesTheGoldenOneFieldByField() throws Exception {
    Request golden = request("01-register-plugin-request.hex");
    byte[] ours =
        RegisterPluginRequest.newBuilder()
            .setPluginName("cainjekt-ref")
            .setPluginIdx("50")
            .build()
            .toByteArray();

    assertThat(ours).containsExactly(golden.getPayload().toByteArray());
  }

  @Test
  void configureRequestCarriesRuntimeNameAndVersion() throws Exception {
    Request r = request("03-configure-request.hex");
    ConfigureRequest c = ConfigureRequest.parseFrom(r.getPayload());

    assertThat(r.getMethod()).isEqualTo("Configure");
    assertThat(c.getRuntimeName()).isEqualTo("containerd");
    assertThat(c.getRuntimeVersion()).isEqualTo("1.7.24~ds1");
    assertThat(c.getConfig()).isEmpty();
  }

  @Test
  void ourConfigureResponseForCreateStartRemoveIsByteIdenticalToGo() throws Exception {
    NriPlugin plugin =
        new NriPlugin() {
          @Override
          public Adjustment createContainer(PodInfo pod, ContainerInfo c) {
            return Adjustment.none();
          }

          @Override
          public void startContainer(PodInfo pod, ContainerInfo c) {}

          @Override
          public void removeContainer(PodInfo pod, ContainerInfo c) {}
        };
    byte[] payload =
        ConfigureResponse.newBuilder()
            .setEvents(NriPlugin.subscription(plugin).bits())
            .build()
            .toByteArray();
    byte[] ours =
        FrameCodec.encode(
            1,
            MessageType.RESPONSE,
            0,
            Response.newBuilder().setPayload(ByteString.copyFrom(payload)).build().toByteArray());

    assertThat(ours).containsExactly(GoldenHex.load("04-configure-response.hex"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "02-register-plugin-response.hex",
        "06-synchronize-response.hex",
        "08-state-change-response.hex",
        "10-create-container-response-empty.hex",
        "16-stop-container-response.hex"
      })
  void anEmptyOkResponseIsTenBytesWithoutStatusOrPayload(String file) throws Exception {
    FrameCodec.Decoded.Message golden = decodeOne(GoldenHex.load(file));
    byte[] ours =
        FrameCodec.encode(
            golden.header().streamId(),
            MessageType.RESPONSE,
            0,
            Response.getDefaultInstance().toByteArray());

    assertThat(ours).containsExactly(GoldenHex.load(file));
    assertThat(Response.parseFrom(golden.payload()).hasStatus()).isFalse();
  }

  @Test
  void emptySynchronizeRequestHasNoPayloadAtAll() throws Exception {
    Request r = request("05-synchronize-request-empty.hex");

    assertThat(r.getMethod()).isEqualTo("Synchronize");
    assertThat(r.getPayload().size()).isZero();
    assertThat(SynchronizeRequest.parseFrom(r.getPayload()).getMore()).isFalse();
  }

  @Test
  void createContainerRequestDecodesToPodAndContainerRecords() throws Exception {
    Request r = request("09-create-container-request.hex");
    CreateContainerRequest c = CreateContainerRequest.parseFrom(r.getPayload());
    PodInfo pod = ProtoRecords.pod(c.getPod());
    ContainerInfo container = ProtoRecords.container(c.getContainer());

    assertThat(r.getMetadata(0).getKey()).isEqualTo("containerd-namespace-ttrpc");
    assertThat(r.getMetadata(0).getValue()).isEqualTo("k8s.io");
    assertThat(pod.name()).isEqualTo("nri-vectors");
    assertThat(pod.namespace()).isEqualTo("nri-vectors");
    assertThat(pod.uid()).isEqualTo("11111111-2222-3333-4444-555555555555");
    assertThat(pod.annotations()).containsEntry("cainjekt.io/enabled", "true");
    assertThat(pod.labels()).containsEntry("app", "nri-vectors");
    assertThat(container.name()).isEqualTo("app");
    assertThat(container.podSandboxId()).isEqualTo(pod.id());
    assertThat(container.env()).contains("FOO=bar");
    assertThat(container.state()).isEqualTo(ContainerState.UNKNOWN);
    assertThat(container.pid()).isZero();
    assertThat(container.mounts()).isNotEmpty();
  }

  @Test
  void ourAdjustmentEncodesExactlyLikeTheGoPlugins() throws Exception {
    FrameCodec.Decoded.Message golden =
        decodeOne(GoldenHex.load("11-create-container-response.hex"));
    ByteString goldenPayload = Response.parseFrom(golden.payload()).getPayload();
    CreateContainerResponse decoded = CreateContainerResponse.parseFrom(goldenPayload);
    Map<String, String> env = new LinkedHashMap<>();
    decoded.getAdjust().getEnvList().forEach(kv -> env.put(kv.getKey(), kv.getValue()));
    Adjustment ours =
        new Adjustment(
            List.of(
                new Mount(
                    "/etc/cainjekt",
                    "bind",
                    decoded.getAdjust().getMounts(0).getSource(),
                    List.of("rbind", "ro", "rprivate"))),
            env,
            Map.of());

    byte[] encoded =
        CreateContainerResponse.newBuilder()
            .setAdjust(ProtoRecords.adjustment(ours))
            .build()
            .toByteArray();

    assertThat(env).containsEntry("SSL_CERT_FILE", "/etc/cainjekt/ca-bundle.pem").hasSize(4);
    assertThat(encoded).containsExactly(goldenPayload.toByteArray());
  }

  @Test
  void startContainerStateChangeCarriesThePidOfTheCreatedContainer() throws Exception {
    StateChangeEvent e =
        StateChangeEvent.parseFrom(
            request("13-state-change-start-container-request.hex").getPayload());
    ContainerInfo c = ProtoRecords.container(e.getContainer());

    assertThat(Event.of(e.getEventValue())).contains(Event.START_CONTAINER);
    assertThat(c.name()).isEqualTo("app");
    assertThat(c.state()).isEqualTo(ContainerState.CREATED);
    assertThat(c.pid()).isEqualTo(17369);
    assertThat(ProtoRecords.pod(e.getPod()).pid()).isEqualTo(17312);
  }

  @Test
  void removeContainerStateChangeReportsAStoppedContainerWithoutPid() throws Exception {
    StateChangeEvent e =
        StateChangeEvent.parseFrom(
            request("17-state-change-remove-container-request.hex").getPayload());

    assertThat(Event.of(e.getEventValue())).contains(Event.REMOVE_CONTAINER);
    assertThat(ProtoRecords.container(e.getContainer()).state()).isEqualTo(ContainerState.STOPPED);
    assertThat(e.getContainer().getPid()).isZero();
  }

  @Test
  void podSandboxEventsCarryNoContainer() throws Exception {
    StateChangeEvent run =
        StateChangeEvent.parseFrom(
            request("07-state-change-run-pod-sandbox-request.hex").getPayload());
    StateChangeEvent stop =
        StateChangeEvent.parseFrom(
            request("18-state-change-stop-pod-sandbox-request.hex").getPayload());
    StateChangeEvent remove =
        StateChangeEvent.parseFrom(
            request("19-state-change-remove-pod-sandbox-request.hex").getPayload());

    assertThat(Event.of(run.getEventValue())).contains(Event.RUN_POD_SANDBOX);
    assertThat(Event.of(stop.getEventValue())).contains(Event.STOP_POD_SANDBOX);
    assertThat(Event.of(remove.getEventValue())).contains(Event.REMOVE_POD_SANDBOX);
    assertThat(run.hasContainer()).isFalse();
    assertThat(run.getPod().getName()).isEqualTo("nri-vectors");
  }

  @Test
  void stopContainerIsItsOwnRpcWithoutNamespaceMetadata() throws Exception {
    Request r = request("15-stop-container-request.hex");

    assertThat(r.getMethod()).isEqualTo("StopContainer");
    assertThat(r.getMetadataList()).isEmpty();
    assertThat(StopContainerRequest.parseFrom(r.getPayload()).getContainer().getName())
        .isEqualTo("app");
  }

  @Test
  void synchronizeAfterReconnectListsTheRunningPodAndContainer() throws Exception {
    SynchronizeRequest s =
        SynchronizeRequest.parseFrom(request("20-synchronize-request-with-pods.hex").getPayload());
    SyncSnapshot snapshot =
        new SyncSnapshot(
            s.getPodsList().stream().map(ProtoRecords::pod).toList(),
            s.getContainersList().stream().map(ProtoRecords::container).toList());

    assertThat(snapshot.pods()).extracting(PodInfo::name).contains("nri-vectors-keep");
    assertThat(snapshot.containers())
        .filteredOn(c -> c.name().equals("keep"))
        .singleElement()
        .satisfies(c -> assertThat(c.state()).isEqualTo(ContainerState.RUNNING));
    assertThat(s.getMore()).isFalse();
  }
}
