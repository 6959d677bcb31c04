// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

/**
 * NRI events with their wire numbers (the {@code Event} enum of the NRI API) and the Plugin RPC
 * that carries each one from NRI 0.12 on.
 */
public enum Event {
  RUN_POD_SANDBOX(1, "RunPodSandbox"),
  STOP_POD_SANDBOX(2, "StopPodSandbox"),
  REMOVE_POD_SANDBOX(3, "RemovePodSandbox"),
  CREATE_CONTAINER(4, "CreateContainer"),
  POST_CREATE_CONTAINER(5, "PostCreateContainer"),
  START_CONTAINER(6, "StartContainer"),
  POST_START_CONTAINER(7, "PostStartContainer"),
  UPDATE_CONTAINER(8, "UpdateContainer"),
  POST_UPDATE_CONTAINER(9, "PostUpdateContainer"),
  STOP_CONTAINER(10, "StopContainer"),
  REMOVE_CONTAINER(11, "RemoveContainer");

  private final int number;
  private final String rpc;

  Event(int number, String rpc) {
    this.number = number;
    this.rpc = rpc;
  }

  /** The Plugin RPC of this event, e.g. {@code StartContainer}. */
  public String rpc() {
    return rpc;
  }

  /** The {@link NriPlugin} method of this event, e.g. {@code startContainer}. */
  String methodName() {
    return Character.toLowerCase(rpc.charAt(0)) + rpc.substring(1);
  }

  /** Whether the event concerns a pod sandbox only (its method takes no container). */
  boolean podOnly() {
    return this == RUN_POD_SANDBOX || this == STOP_POD_SANDBOX || this == REMOVE_POD_SANDBOX;
  }

  /** The wire number. */
  public int number() {
    return number;
  }

  /** The subscription bit: {@code 1 << (number - 1)}. */
  public int bit() {
    return 1 << (number - 1);
  }

  /** The event of a wire number, if we know it. */
  public static java.util.Optional<Event> of(int number) {
    for (Event e : values()) {
      if (e.number == number) {
        return java.util.Optional.of(e);
      }
    }
    return java.util.Optional.empty();
  }
}
