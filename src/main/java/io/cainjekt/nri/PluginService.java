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
 * The plugin service of one session (mux connection 1): decodes each NRI call, calls the {@link
 * NriPlugin} method of its event with records and encodes the reply. Serves both event styles: the
 * dedicated RPCs of NRI 0.12+ and {@code StateChange} of NRI up to 0.11. An event the plugin did
 * not subscribe to is decoded and answered, and reaches no method. Thread-safe.
 */
final class PluginService {

  static final String SERVICE = "nri.pkg.api.v1alpha1.Plugin";
  private static final Logger log = LoggerFactory.getLogger(PluginService.class);
  private static final byte[] EMPTY = new byte[0];
  private static final Container NO_CONTAINER = Container.getDefaultInstance();

  /** Session milestones. */
  interface Listener {
    void configured(EventMask mask, ConfigureRequest request);

    void synchronizedWith(SyncSnapshot snapshot);

    void shutdownRequested();
  }

  private final NriPlugin plugin;
  private final EventMask subscription;
  private final Listener listener;
  private final List<PodSandbox> syncPods = new ArrayList<>();
  private final List<Container> syncContainers = new ArrayList<>();
  private final CompletableFuture<Void> answered = new CompletableFuture<>();

  PluginService(NriPlugin plugin, Listener listener) {
    this.plugin = plugin;
    this.subscription = NriPlugin.subscription(plugin);
    this.listener = listener;
  }

  TtrpcServer server() {
    TtrpcServer.Builder b = TtrpcServer.builder();
    b.method(SERVICE, "Configure", (ctx, p) -> configure(p));
    b.method(SERVICE, "Synchronize", this::synchronize);
    b.method(SERVICE, "Shutdown", (ctx, p) -> shutdown());
    b.method(SERVICE, Event.CREATE_CONTAINER.rpc(), this::createContainer);
    b.method(SERVICE, "StateChange", this::stateChange);
    b.method(SERVICE, Event.UPDATE_CONTAINER.rpc(), (ctx, p) -> EMPTY);
    b.method(SERVICE, Event.RUN_POD_SANDBOX.rpc(), (ctx, p) -> runPodSandbox(p));
    b.method(SERVICE, Event.STOP_POD_SANDBOX.rpc(), (ctx, p) -> stopPodSandbox(p));
    b.method(SERVICE, Event.REMOVE_POD_SANDBOX.rpc(), (ctx, p) -> removePodSandbox(p));
    // PostCreate-, Start- and PostStartContainerRequest share one layout: {1 pod, 2 container}
    for (Event e :
        List.of(Event.POST_CREATE_CONTAINER, Event.START_CONTAINER, Event.POST_START_CONTAINER)) {
      b.method(SERVICE, e.rpc(), (ctx, p) -> startContainer(e, p));
    }
    b.method(SERVICE, Event.STOP_CONTAINER.rpc(), (ctx, p) -> stopContainer(p));
    b.method(SERVICE, Event.REMOVE_CONTAINER.rpc(), (ctx, p) -> removeContainer(p));
    return b.build();
  }

  private byte[] runPodSandbox(byte[] payload) throws Exception {
    return dispatch(
        Event.RUN_POD_SANDBOX, RunPodSandboxRequest.parseFrom(payload).getPod(), NO_CONTAINER);
  }

  private byte[] stopPodSandbox(byte[] payload) throws Exception {
    return dispatch(
        Event.STOP_POD_SANDBOX, StopPodSandboxRequest.parseFrom(payload).getPod(), NO_CONTAINER);
  }

  private byte[] removePodSandbox(byte[] payload) throws Exception {
    return dispatch(
        Event.REMOVE_POD_SANDBOX,
        RemovePodSandboxRequest.parseFrom(payload).getPod(),
        NO_CONTAINER);
  }

  private byte[] startContainer(Event event, byte[] payload) throws Exception {
    StartContainerRequest r = StartContainerRequest.parseFrom(payload);
    return dispatch(event, r.getPod(), r.getContainer());
  }

  private byte[] stopContainer(byte[] payload) throws Exception {
    StopContainerRequest r = StopContainerRequest.parseFrom(payload);
    return dispatch(Event.STOP_CONTAINER, r.getPod(), r.getContainer());
  }

  private byte[] removeContainer(byte[] payload) throws Exception {
    RemoveContainerRequest r = RemoveContainerRequest.parseFrom(payload);
    return dispatch(Event.REMOVE_CONTAINER, r.getPod(), r.getContainer());
  }

  private byte[] configure(byte[] payload) throws InvalidProtocolBufferException {
    ConfigureRequest request = ConfigureRequest.parseFrom(payload);
    listener.configured(subscription, request);
    return ConfigureResponse.newBuilder().setEvents(subscription.bits()).build().toByteArray();
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
    plugin.synchronize(snapshot);
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

  private byte[] createContainer(RequestContext ctx, byte[] payload) throws Exception {
    CreateContainerRequest request = CreateContainerRequest.parseFrom(payload);
    Adjustment adjustment =
        plugin.createContainer(
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
    return dispatch(event, request.getPod(), request.getContainer());
  }

  /** Calls the plugin's method of {@code event} when it subscribed to it. */
  private byte[] dispatch(Event event, PodSandbox pod, Container container) throws Exception {
    if (!subscription.contains(event)) {
      return EMPTY;
    }
    log.atDebug()
        .setMessage("nri: event")
        .addKeyValue("event", event)
        .addKeyValue("pod", pod.getName())
        .addKeyValue("namespace", pod.getNamespace())
        .addKeyValue("container", container.getName())
        .log();
    PodInfo p = ProtoRecords.pod(pod);
    switch (event) {
      case RUN_POD_SANDBOX -> plugin.runPodSandbox(p);
      case STOP_POD_SANDBOX -> plugin.stopPodSandbox(p);
      case REMOVE_POD_SANDBOX -> plugin.removePodSandbox(p);
      case POST_CREATE_CONTAINER ->
          plugin.postCreateContainer(p, ProtoRecords.container(container));
      case START_CONTAINER -> plugin.startContainer(p, ProtoRecords.container(container));
      case POST_START_CONTAINER -> plugin.postStartContainer(p, ProtoRecords.container(container));
      case STOP_CONTAINER -> plugin.stopContainer(p, ProtoRecords.container(container));
      case REMOVE_CONTAINER -> plugin.removeContainer(p, ProtoRecords.container(container));
      // no NriPlugin method, hence never subscribed: CreateContainer has its own RPC and reply
      case CREATE_CONTAINER, UPDATE_CONTAINER, POST_UPDATE_CONTAINER -> {}
    }
    return EMPTY;
  }
}
