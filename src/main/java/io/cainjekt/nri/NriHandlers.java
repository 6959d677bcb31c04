// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plugin's typed event handlers. The event mask sent to the runtime is exactly the set of
 * handlers present. A handler may throw; the exception becomes the ttrpc status of the reply.
 * Immutable and thread-safe once built; handlers themselves must be thread-safe.
 */
public final class NriHandlers {

  /** Receives the runtime's full state after (re)connecting. */
  @FunctionalInterface
  public interface SyncHandler {
    void synchronize(SyncSnapshot snapshot) throws Exception;
  }

  /** Answers CreateContainer with the changes to make. */
  @FunctionalInterface
  public interface CreateHandler {
    Adjustment createContainer(PodInfo pod, ContainerInfo container) throws Exception;
  }

  /** Handles a container lifecycle event. */
  @FunctionalInterface
  public interface ContainerHandler {
    void handle(PodInfo pod, ContainerInfo container) throws Exception;
  }

  /** Handles a pod sandbox lifecycle event. */
  @FunctionalInterface
  public interface PodHandler {
    void handle(PodInfo pod) throws Exception;
  }

  private final Optional<SyncHandler> synchronize;
  private final Optional<CreateHandler> createContainer;
  private final Map<Event, ContainerHandler> containerEvents;
  private final Map<Event, PodHandler> podEvents;

  private NriHandlers(Builder b) {
    this.synchronize = Optional.ofNullable(b.synchronize);
    this.createContainer = Optional.ofNullable(b.createContainer);
    this.containerEvents = Map.copyOf(b.containerEvents);
    this.podEvents = Map.copyOf(b.podEvents);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The events with a handler: what Configure subscribes to. */
  public EventMask mask() {
    Set<Event> events = EnumSet.noneOf(Event.class);
    createContainer.ifPresent(h -> events.add(Event.CREATE_CONTAINER));
    events.addAll(containerEvents.keySet());
    events.addAll(podEvents.keySet());
    return EventMask.of(events);
  }

  Optional<SyncHandler> synchronize() {
    return synchronize;
  }

  Optional<CreateHandler> createContainer() {
    return createContainer;
  }

  Optional<ContainerHandler> container(Event event) {
    return Optional.ofNullable(containerEvents.get(event));
  }

  Optional<PodHandler> pod(Event event) {
    return Optional.ofNullable(podEvents.get(event));
  }

  /** Collects handlers; not thread-safe. */
  public static final class Builder {
    private SyncHandler synchronize;
    private CreateHandler createContainer;
    private final Map<Event, ContainerHandler> containerEvents = new EnumMap<>(Event.class);
    private final Map<Event, PodHandler> podEvents = new EnumMap<>(Event.class);

    private Builder() {}

    public Builder synchronize(SyncHandler handler) {
      this.synchronize = handler;
      return this;
    }

    public Builder createContainer(CreateHandler handler) {
      this.createContainer = handler;
      return this;
    }

    public Builder postCreateContainer(ContainerHandler handler) {
      return container(Event.POST_CREATE_CONTAINER, handler);
    }

    public Builder startContainer(ContainerHandler handler) {
      return container(Event.START_CONTAINER, handler);
    }

    public Builder postStartContainer(ContainerHandler handler) {
      return container(Event.POST_START_CONTAINER, handler);
    }

    public Builder stopContainer(ContainerHandler handler) {
      return container(Event.STOP_CONTAINER, handler);
    }

    public Builder removeContainer(ContainerHandler handler) {
      return container(Event.REMOVE_CONTAINER, handler);
    }

    public Builder runPodSandbox(PodHandler handler) {
      podEvents.put(Event.RUN_POD_SANDBOX, handler);
      return this;
    }

    public Builder stopPodSandbox(PodHandler handler) {
      podEvents.put(Event.STOP_POD_SANDBOX, handler);
      return this;
    }

    public Builder removePodSandbox(PodHandler handler) {
      podEvents.put(Event.REMOVE_POD_SANDBOX, handler);
      return this;
    }

    private Builder container(Event event, ContainerHandler handler) {
      containerEvents.put(event, handler);
      return this;
    }

    public NriHandlers build() {
      return new NriHandlers(this);
    }
  }
}
