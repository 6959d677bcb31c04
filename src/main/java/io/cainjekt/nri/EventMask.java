// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.util.EnumSet;
import java.util.Set;

/**
 * The event subscription sent in the Configure response: bit {@code 1 << (event - 1)} per event.
 *
 * @param bits the mask as sent on the wire
 */
public record EventMask(int bits) {

  /** The mask of a set of events. */
  public static EventMask of(Set<Event> events) {
    int bits = 0;
    for (Event e : events) {
      bits |= e.bit();
    }
    return new EventMask(bits);
  }

  public boolean contains(Event event) {
    return (bits & event.bit()) != 0;
  }

  /** The events in the mask that we know. */
  public Set<Event> events() {
    EnumSet<Event> set = EnumSet.noneOf(Event.class);
    for (Event e : Event.values()) {
      if (contains(e)) {
        set.add(e);
      }
    }
    return set;
  }
}
