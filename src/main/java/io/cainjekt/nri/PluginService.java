// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cainjekt.nri.proto.ConfigureRequest;
import io.cainjekt.nri.proto.ConfigureResponse;
import io.cainjekt.nri.proto.Container;
import io.cainjekt.nri.proto.CreateContainerRequest;
import io.cainjekt.nri.proto.CreateContainerResponse;
import io.cainjekt.nri.proto.PodSandbox;
import io.cainjekt.nri.proto.RemoveContainerRequest;
import io.cainjekt.nri.proto.RemovePodSandboxRequest;
import io.cainjekt.nri.proto.RunPodSandboxRequest;
import io.cainjekt.nri.proto.StartContainerRequest;
import io.cainjekt.nri.proto.StateChangeEvent;
import io.cainjekt.nri.proto.StopContainerRequest;
import io.cainjekt.nri.proto.StopPodSandboxRequest;
import io.cainjekt.nri.proto.SynchronizeRequest;
import io.cainjekt.nri.proto.SynchronizeResponse;
import io.cainjekt.wire.ttrpc.RequestContext;
import io.cainjekt.wire.ttrpc.StatusCode;
import io.cainjekt.wire.ttrpc.TtrpcServer;
import io.cainjekt.wire.ttrpc.TtrpcStatusException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin service of one session (mux connection 1): decodes each NRI call, hands records to
 * {@link NriHandlers} and encodes the reply. Serves both event styles: the dedicated RPCs of NRI
 * 0.12+ and {@code StateChange} of NRI up to 0.11. Thread-safe.
 */
final class PluginService {

  static final String SERVICE = "nri.pkg.api.v1alpha1.Plugin";
  private static final Logger log = LoggerFactory.getLogger(PluginService.class);
  private static final byte[] EMPTY = new byte[0];

  /** Session milestones. */
  interface Listener {
    void configured(EventMask mask, ConfigureRequest request);

    void synchronizedWith(SyncSnapshot snapshot);

    void shutdownRequested();
  }

  /** Parses a payload into (pod, container); container may be the default instance. */
  @FunctionalInterface
  private interface Parser {
    Target parse(byte[] payload) throws InvalidProtocolBufferException;
  }

  private record Target(PodSandbox pod, Container container) {}

  private final NriHandlers handlers;
  private final Listener listener;
  private final List<PodSandbox> syncPods = new ArrayList<>();
  private final List<Container> syncContainers = new ArrayList<>();
  private final CompletableFuture<Void> answered = new CompletableFuture<>();

  PluginService(NriHandlers handlers, Listener listener) {
    this.handlers = handlers;
    this.listener = listener;
  }

  TtrpcServer server() {
    TtrpcServer.Builder b = TtrpcServer.builder();
    b.method(SERVICE, "Configure", (ctx, p) -> configure(p));
    b.method(SERVICE, "Synchronize", this::synchronize);
    b.method(SERVICE, "Shutdown", (ctx, p) -> shutdown());
    b.method(SERVICE, "CreateContainer", (ctx, p) -> createContainer(p));
    b.method(SERVICE, "StateChange", (ctx, p) -> stateChange(ctx, p));
    event(b, "RunPodSandbox", Event.RUN_POD_SANDBOX, p -> of(RunPodSandboxRequest.parseFrom(p)));
    event(b, "StopPodSandbox", Event.STOP_POD_SANDBOX, p -> of(StopPodSandboxRequest.parseFrom(p)));
    event(
        b,
        "RemovePodSandbox",
        Event.REMOVE_POD_SANDBOX,
        p -> of(RemovePodSandboxRequest.parseFrom(p)));
    event(
        b,
        "PostCreateContainer",
        Event.POST_CREATE_CONTAINER,
        p -> of(StartContainerRequest.parseFrom(p)));
    event(b, "StartContainer", Event.START_CONTAINER, p -> of(StartContainerRequest.parseFrom(p)));
    event(
        b,
        "PostStartContainer",
        Event.POST_START_CONTAINER,
        p -> of(StartContainerRequest.parseFrom(p)));
    event(b, "StopContainer", Event.STOP_CONTAINER, p -> of(StopContainerRequest.parseFrom(p)));
    event(
        b, "RemoveContainer", Event.REMOVE_CONTAINER, p -> of(RemoveContainerRequest.parseFrom(p)));
    b.method(SERVICE, "UpdateContainer", (ctx, p) -> EMPTY);
    return b.build();
  }

  private static Target of(RunPodSandboxRequest r) {
    return new Target(r.getPod(), Container.getDefaultInstance());
  }

  private static Target of(StopPodSandboxRequest r) {
    return new Target(r.getPod(), Container.getDefaultInstance());
  }

  private static Target of(RemovePodSandboxRequest r) {
    return new Target(r.getPod(), Container.getDefaultInstance());
  }

  // PostCreate-, Start- and PostStartContainerRequest share one layout: {1 pod, 2 container}.
  private static Target of(StartContainerRequest r) {
    return new Target(r.getPod(), r.getContainer());
  }

  private static Target of(StopContainerRequest r) {
    return new Target(r.getPod(), r.getContainer());
  }

  private static Target of(RemoveContainerRequest r) {
    return new Target(r.getPod(), r.getContainer());
  }

  private void event(TtrpcServer.Builder b, String method, Event event, Parser parser) {
    b.method(
        SERVICE,
        method,
        (ctx, payload) -> {
          Target t = parser.parse(payload);
          dispatch(event, t.pod(), t.container());
          return EMPTY;
        });
  }

  private byte[] configure(byte[] payload) throws InvalidProtocolBufferException {
    ConfigureRequest request = ConfigureRequest.parseFrom(payload);
    EventMask mask = handlers.mask();
    listener.configured(mask, request);
    return ConfigureResponse.newBuilder().setEvents(mask.bits()).build().toByteArray();
  }

  /**
   * Completes once the reply to this session's Synchronize has been written, so that calls the
   * runtime must see after it (Runtime/UpdateContainers) can wait for it; fails when the session
   * ends first ({@link #sessionClosed}).
   */
  CompletableFuture<Void> synchronizeAnswered() {
    return answered;
  }

  /** The session is gone: nothing waits for a Synchronize reply any more. */
  void sessionClosed(IOException cause) {
    answered.completeExceptionally(cause);
  }

  private byte[] synchronize(RequestContext ctx, byte[] payload) throws Exception {
    SynchronizeRequest request = SynchronizeRequest.parseFrom(payload);
    SyncSnapshot snapshot;
    synchronized (this) {
      syncPods.addAll(request.getPodsList());
      syncContainers.addAll(request.getContainersList());
      if (request.getMore()) {
        return SynchronizeResponse.newBuilder().setMore(true).build().toByteArray();
      }
      snapshot =
          new SyncSnapshot(
              syncPods.stream().map(ProtoRecords::pod).toList(),
              syncContainers.stream().map(ProtoRecords::container).toList());
      syncPods.clear();
      syncContainers.clear();
    }
    if (handlers.synchronize().isPresent()) {
      handlers.synchronize().get().synchronize(snapshot);
    }
    listener.synchronizedWith(snapshot);
    ctx.replied()
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                answered.complete(null);
              } else {
                answered.completeExceptionally(error);
              }
            });
    return EMPTY;
  }

  private byte[] shutdown() {
    listener.shutdownRequested();
    return EMPTY;
  }

  private byte[] createContainer(byte[] payload) throws Exception {
    CreateContainerRequest request = CreateContainerRequest.parseFrom(payload);
    if (handlers.createContainer().isEmpty()) {
      return EMPTY;
    }
    Adjustment adjustment =
        handlers
            .createContainer()
            .get()
            .createContainer(
                ProtoRecords.pod(request.getPod()), ProtoRecords.container(request.getContainer()));
    if (adjustment.isEmpty()) {
      return EMPTY;
    }
    return CreateContainerResponse.newBuilder()
        .setAdjust(ProtoRecords.adjustment(adjustment))
        .build()
        .toByteArray();
  }

  private byte[] stateChange(RequestContext ctx, byte[] payload) throws Exception {
    StateChangeEvent request = StateChangeEvent.parseFrom(payload);
    Event event =
        Event.of(request.getEventValue())
            .orElseThrow(
                () ->
                    new TtrpcStatusException(
                        StatusCode.INVALID_ARGUMENT,
                        "state change event " + request.getEventValue() + " is unknown"));
    dispatch(event, request.getPod(), request.getContainer());
    return EMPTY;
  }

  private void dispatch(Event event, PodSandbox pod, Container container) throws Exception {
    log.atDebug()
        .setMessage("nri: event")
        .addKeyValue("event", event)
        .addKeyValue("pod", pod.getName())
        .addKeyValue("namespace", pod.getNamespace())
        .addKeyValue("container", container.getName())
        .log();
    PodInfo podInfo = ProtoRecords.pod(pod);
    var containerHandler = handlers.container(event);
    if (containerHandler.isPresent()) {
      containerHandler.get().handle(podInfo, ProtoRecords.container(container));
      return;
    }
    var podHandler = handlers.pod(event);
    if (podHandler.isPresent()) {
      podHandler.get().handle(podInfo);
    }
  }
}
