// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

/** NRI events with their wire numbers (the {@code Event} enum of the NRI API). */
public enum Event {
  RUN_POD_SANDBOX(1),
  STOP_POD_SANDBOX(2),
  REMOVE_POD_SANDBOX(3),
  CREATE_CONTAINER(4),
  POST_CREATE_CONTAINER(5),
  START_CONTAINER(6),
  POST_START_CONTAINER(7),
  UPDATE_CONTAINER(8),
  POST_UPDATE_CONTAINER(9),
  STOP_CONTAINER(10),
  REMOVE_CONTAINER(11);

  private final int number;

  Event(int number) {
    this.number = number;
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
