// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.util.EnumMap;
import java.util.Map;

/**
 * A plugin built from lambdas, for tests that only need some events answered. It overrides every
 * {@link NriPlugin} method, so it subscribes to every event; an event without a lambda does
 * nothing. Tests of the subscription itself use a class that overrides only what it handles.
 */
final class NriHandlers implements NriPlugin {

  /** Receives the runtime's full state. */
  @FunctionalInterface
  interface SyncHandler {
    void synchronize(SyncSnapshot snapshot) throws Exception;
  }

  /** Answers CreateContainer. */
  @FunctionalInterface
  interface CreateHandler {
    Adjustment createContainer(PodInfo pod, ContainerInfo container) throws Exception;
  }

  /** Handles a container event. */
  @FunctionalInterface
  interface ContainerHandler {
    void handle(PodInfo pod, ContainerInfo container) throws Exception;
  }

  /** Handles a pod sandbox event. */
  @FunctionalInterface
  interface PodHandler {
    void handle(PodInfo pod) throws Exception;
  }

  private final Builder b;

  private NriHandlers(Builder b) {
    this.b = b;
  }

  static Builder builder() {
    return new Builder();
  }

  @Override
  public void synchronize(SyncSnapshot snapshot) throws Exception {
    b.synchronize.synchronize(snapshot);
  }

  @Override
  public Adjustment createContainer(PodInfo pod, ContainerInfo container) throws Exception {
    return b.createContainer.createContainer(pod, container);
  }

  @Override
  public void postCreateContainer(PodInfo pod, ContainerInfo container) throws Exception {
    container(Event.POST_CREATE_CONTAINER, pod, container);
  }

  @Override
  public void startContainer(PodInfo pod, ContainerInfo container) throws Exception {
    container(Event.START_CONTAINER, pod, container);
  }

  @Override
  public void postStartContainer(PodInfo pod, ContainerInfo container) throws Exception {
    container(Event.POST_START_CONTAINER, pod, container);
  }

  @Override
  public void stopContainer(PodInfo pod, ContainerInfo container) throws Exception {
    container(Event.STOP_CONTAINER, pod, container);
  }

  @Override
  public void removeContainer(PodInfo pod, ContainerInfo container) throws Exception {
    container(Event.REMOVE_CONTAINER, pod, container);
  }

  @Override
  public void runPodSandbox(PodInfo pod) throws Exception {
    pod(Event.RUN_POD_SANDBOX, pod);
  }

  @Override
  public void stopPodSandbox(PodInfo pod) throws Exception {
    pod(Event.STOP_POD_SANDBOX, pod);
  }

  @Override
  public void removePodSandbox(PodInfo pod) throws Exception {
    pod(Event.REMOVE_POD_SANDBOX, pod);
  }

  private void container(Event event, PodInfo pod, ContainerInfo container) throws Exception {
    b.containerEvents.getOrDefault(event, (p, c) -> {}).handle(pod, container);
  }

  private void pod(Event event, PodInfo pod) throws Exception {
    b.podEvents.getOrDefault(event, p -> {}).handle(pod);
  }

  /** Collects lambdas; not thread-safe, and not to be changed after {@link #build()}. */
  static final class Builder {
    private SyncHandler synchronize = s -> {};
    private CreateHandler createContainer = (p, c) -> Adjustment.none();
    private final Map<Event, ContainerHandler> containerEvents = new EnumMap<>(Event.class);
    private final Map<Event, PodHandler> podEvents = new EnumMap<>(Event.class);

    private Builder() {}

    Builder synchronize(SyncHandler handler) {
      this.synchronize = handler;
      return this;
    }

    Builder createContainer(CreateHandler handler) {
      this.createContainer = handler;
      return this;
    }

    Builder postCreateContainer(ContainerHandler handler) {
      containerEvents.put(Event.POST_CREATE_CONTAINER, handler);
      return this;
    }

    Builder startContainer(ContainerHandler handler) {
      containerEvents.put(Event.START_CONTAINER, handler);
      return this;
    }

    Builder postStartContainer(ContainerHandler handler) {
      containerEvents.put(Event.POST_START_CONTAINER, handler);
      return this;
    }

    Builder stopContainer(ContainerHandler handler) {
      containerEvents.put(Event.STOP_CONTAINER, handler);
      return this;
    }

    Builder removeContainer(ContainerHandler handler) {
      containerEvents.put(Event.REMOVE_CONTAINER, handler);
      return this;
    }

    Builder runPodSandbox(PodHandler handler) {
      podEvents.put(Event.RUN_POD_SANDBOX, handler);
      return this;
    }

    Builder stopPodSandbox(PodHandler handler) {
      podEvents.put(Event.STOP_POD_SANDBOX, handler);
      return this;
    }

    Builder removePodSandbox(PodHandler handler) {
      podEvents.put(Event.REMOVE_POD_SANDBOX, handler);
      return this;
    }

    NriHandlers build() {
      return new NriHandlers(this);
    }
  }
}
