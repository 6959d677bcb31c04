// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes a CreateContainer handler asks the runtime to make to the container.
 *
 * @param mounts mounts to add
 * @param env variables to add or replace, in order
 * @param annotations annotations to add or replace
 */
public record Adjustment(
    List<Mount> mounts, Map<String, String> env, Map<String, String> annotations) {

  private static final Adjustment NONE = new Adjustment(List.of(), Map.of(), Map.of());

  public Adjustment {
    mounts = List.copyOf(mounts);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    annotations = Map.copyOf(annotations);
  }

  /** No change at all. */
  public static Adjustment none() {
    return NONE;
  }

  public boolean isEmpty() {
    return mounts.isEmpty() && env.isEmpty() && annotations.isEmpty();
  }
}
