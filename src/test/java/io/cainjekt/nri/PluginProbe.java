// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cainjekt.nri.proto.ConfigureRequest;
import io.cainjekt.wire.ttrpc.FrameCodec;
import io.cainjekt.wire.ttrpc.MessageType;
import io.cainjekt.wire.ttrpc.StatusCode;
import io.cainjekt.wire.ttrpc.TtrpcConnection;
import io.cainjekt.wire.ttrpc.proto.Response;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link PluginService} behind a real {@link TtrpcConnection}: a request frame goes in,
 * and out come the reply's status and payload plus every record the handlers (one for each event)
 * and the session listener were given. Calls are sequential; not thread-safe.
 */
final class PluginProbe implements AutoCloseable {

  /** What one request led to. */
  record Outcome(StatusCode code, ByteString payload, List<Object> seen) {}

  private final BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
  private final List<Object> seen = new CopyOnWriteArrayList<>();
  private final TtrpcConnection connection;
  private int nextStreamId = 1;

  PluginProbe() {
    PluginService service = new PluginService(handlers(), listener());
    connection = new TtrpcConnection("probe", replies::add, service.server());
  }

  private NriHandlers handlers() {
    return NriHandlers.builder()
        .synchronize(s -> seen.add(List.of("synchronize", s)))
        .createContainer(
            (pod, c) -> {
              seen.add(List.of(Event.CREATE_CONTAINER, pod, c));
              return new Adjustment(
                  List.of(new Mount("/etc/probe", "bind", "/staging/" + c.id(), List.of("ro"))),
                  Map.of("PROBE_POD_UID", pod.uid()),
                  Map.of("probe/args", Integer.toString(c.args().size())));
            })
        .postCreateContainer((pod, c) -> seen.add(List.of(Event.POST_CREATE_CONTAINER, pod, c)))
        .startContainer((pod, c) -> seen.add(List.of(Event.START_CONTAINER, pod, c)))
        .postStartContainer((pod, c) -> seen.add(List.of(Event.POST_START_CONTAINER, pod, c)))
        .stopContainer((pod, c) -> seen.add(List.of(Event.STOP_CONTAINER, pod, c)))
        .removeContainer((pod, c) -> seen.add(List.of(Event.REMOVE_CONTAINER, pod, c)))
        .runPodSandbox(pod -> seen.add(List.of(Event.RUN_POD_SANDBOX, pod)))
        .stopPodSandbox(pod -> seen.add(List.of(Event.STOP_POD_SANDBOX, pod)))
        .removePodSandbox(pod -> seen.add(List.of(Event.REMOVE_POD_SANDBOX, pod)))
        .build();
  }

  private PluginService.Listener listener() {
    return new PluginService.Listener() {
      @Override
      public void configured(EventMask mask, ConfigureRequest request) {
        // the known fields only: what the stub can read from it
        seen.add(List.of("configure", mask.bits(), request.getAllFields()));
      }

      @Override
      public void synchronizedWith(SyncSnapshot snapshot) {
        seen.add(List.of("synchronized", snapshot.pods().size(), snapshot.containers().size()));
      }

      @Override
      public void shutdownRequested() {
        seen.add("shutdown");
      }
    };
  }

  /** Sends one ttrpc Request envelope (encoded) and waits for its reply. */
  Outcome call(byte[] requestEnvelope) throws Exception {
    seen.clear();
    int streamId = nextStreamId;
    nextStreamId += 2;
    connection.receive(
        ByteBuffer.wrap(FrameCodec.encode(streamId, MessageType.REQUEST, 0, requestEnvelope)));
    byte[] reply = replies.poll(10, TimeUnit.SECONDS);
    assertThat(reply).as("a reply to stream %d", streamId).isNotNull();
    List<FrameCodec.Decoded> decoded = new ArrayList<>();
    new FrameCodec().feed(ByteBuffer.wrap(reply), decoded::add);
    assertThat(decoded).hasSize(1);
    assertThat(decoded.getFirst().header().streamId()).isEqualTo(streamId);
    Response r = Response.parseFrom(((FrameCodec.Decoded.Message) decoded.getFirst()).payload());
    return new Outcome(StatusCode.of(r.getStatus().getCode()), r.getPayload(), List.copyOf(seen));
  }

  @Override
  public void close() {
    connection.close();
  }
}
