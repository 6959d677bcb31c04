// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

/**
 * What a plugin does at each NRI event. Every method has a no-op default; the stub subscribes to
 * exactly the events whose method the plugin's class overrides ({@link #subscription}), as the Go
 * stub subscribes to the event interfaces a plugin implements. A method may throw; the exception
 * becomes the ttrpc status of the reply. Implementations must be thread-safe: events arrive on
 * concurrent virtual threads.
 */
public interface NriPlugin {

  /** Receives the runtime's full state after (re)connecting; always called. */
  default void synchronize(SyncSnapshot snapshot) throws Exception {}

  /** Answers CreateContainer with the changes to make. */
  default Adjustment createContainer(PodInfo pod, ContainerInfo container) throws Exception {
    return Adjustment.none();
  }

  default void postCreateContainer(PodInfo pod, ContainerInfo container) throws Exception {}

  default void startContainer(PodInfo pod, ContainerInfo container) throws Exception {}

  default void postStartContainer(PodInfo pod, ContainerInfo container) throws Exception {}

  default void stopContainer(PodInfo pod, ContainerInfo container) throws Exception {}

  default void removeContainer(PodInfo pod, ContainerInfo container) throws Exception {}

  default void runPodSandbox(PodInfo pod) throws Exception {}

  default void stopPodSandbox(PodInfo pod) throws Exception {}

  default void removePodSandbox(PodInfo pod) throws Exception {}

  /**
   * The events whose method {@code plugin}'s class overrides: what Configure subscribes to. Events
   * without a method here (UpdateContainer and its Post event) are never subscribed.
   */
  static EventMask subscription(NriPlugin plugin) {
    int bits = 0;
    for (Event event : Event.values()) {
      if (overrides(plugin.getClass(), event)) {
        bits |= event.bit();
      }
    }
    return new EventMask(bits);
  }

  private static boolean overrides(Class<?> type, Event event) {
    Class<?>[] parameters =
        event.podOnly()
            ? new Class<?>[] {PodInfo.class}
            : new Class<?>[] {PodInfo.class, ContainerInfo.class};
    try {
      return type.getMethod(event.methodName(), parameters).getDeclaringClass() != NriPlugin.class;
    } catch (NoSuchMethodException ignored) { // an event this interface has no method for
      return false;
    }
  }
}
