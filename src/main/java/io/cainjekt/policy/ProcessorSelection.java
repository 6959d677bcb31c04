// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.policy;

import java.util.Set;

/**
 * Which processors a pod asked for, from {@code <prefix>/processors.include} and {@code
 * <prefix>/processors.exclude}. An empty include set means "every processor"; exclude wins over
 * include. IDs are the public processor IDs ({@code os-debian}, {@code java}); this record does not
 * know which IDs exist, unknown ones simply match nothing.
 *
 * @param include processor IDs to run; empty means all
 * @param exclude processor IDs never to run
 */
public record ProcessorSelection(Set<String> include, Set<String> exclude) {

  /** Every processor. */
  public static final ProcessorSelection ALL = new ProcessorSelection(Set.of(), Set.of());

  /** Copies both sets. */
  public ProcessorSelection {
    include = Set.copyOf(include);
    exclude = Set.copyOf(exclude);
  }

  /** Whether the processor with this ID may run. */
  public boolean allows(String processorId) {
    return !exclude.contains(processorId) && (include.isEmpty() || include.contains(processorId));
  }
}
