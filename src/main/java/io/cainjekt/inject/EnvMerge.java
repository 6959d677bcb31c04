// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Result of {@link EnvMerger#merge}: one change per desired variable, in the desired order, and the
 * positions of malformed entries of the container's environment.
 *
 * @param changes one entry per desired variable
 * @param malformedEntries zero-based indexes of entries without {@code '='} or with an empty name
 * @param duplicateNames names the container sets more than once (the first occurrence counts)
 */
public record EnvMerge(
    List<EnvChange> changes, List<Integer> malformedEntries, List<String> duplicateNames) {

  /** Copies the lists. */
  public EnvMerge {
    changes = List.copyOf(changes);
    malformedEntries = List.copyOf(malformedEntries);
    duplicateNames = List.copyOf(duplicateNames);
  }

  /** The variables the adjustment must set, name to full new value, in the desired order. */
  public Map<String, String> toSet() {
    Map<String, String> out = new LinkedHashMap<>();
    for (EnvChange c : changes) {
      c.value().ifPresent(v -> out.put(c.name(), v));
    }
    return out;
  }

  /** Count of changes with this action. */
  public long count(EnvChange.Action action) {
    return changes.stream().filter(c -> c.action() == action).count();
  }
}
