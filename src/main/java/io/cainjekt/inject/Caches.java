// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import io.cainjekt.trust.ContentMemo;
import java.util.Objects;
import java.util.Set;

/**
 * What the plugin remembers from one container to the next, with its bounds (docs/architecture.md,
 * "What the plugin remembers"). The daemon's composition root creates one and passes it in; the
 * offline {@code cainjekt inject} and each test create their own. It lives here rather than in
 * {@code daemon} because the pipeline below the daemon takes its parts. Besides these two, the
 * daemon keeps the staged defaults of each bundle's current version, and {@link Staging} the blob
 * name of each content it stored (weak keys): both are state of their owner, bounded by the bundles
 * configured and the contents alive. Thread-safe.
 *
 * @param trust parses, merges and truststores of trust file content ({@link
 *     ContentMemo#MAX_ENTRIES} entries, {@link ContentMemo#MAX_WEIGHT_BYTES} bytes of input)
 * @param plans the changes and report of a run per image ({@link PlanMemo#MAX_PLANS} plans, {@link
 *     PlanMemo#MAX_PLAN_BYTES} bytes)
 */
public record Caches(ContentMemo trust, PlanMemo plans) {

  /** The names {@link #without} accepts. */
  public static final Set<String> NAMES = Set.of("trust", "plans");

  public Caches {
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(plans, "plans");
  }

  /** Every cache with its standard bounds. */
  public static Caches standard() {
    return new Caches(new ContentMemo(), new PlanMemo());
  }

  /**
   * The standard caches except those named in {@code off} ({@link #NAMES}), which keep nothing: for
   * measuring what each one buys, in the same run.
   *
   * @throws IllegalArgumentException for a name not in {@link #NAMES}
   */
  public static Caches without(Set<String> off) {
    requireNames(off);
    return new Caches(
        off.contains("trust") ? ContentMemo.off() : new ContentMemo(),
        off.contains("plans") ? PlanMemo.off() : new PlanMemo());
  }

  /**
   * Checks that every name in {@code off} is in {@link #NAMES}, as {@link #without} does, for a
   * caller that validates its input before it builds anything.
   *
   * @throws IllegalArgumentException naming the first unknown name and the known ones
   */
  public static void requireNames(Set<String> off) {
    for (String name : off) {
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown cache " + name + ", expected one of " + NAMES);
      }
    }
  }
}
