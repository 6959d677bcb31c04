// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.util.Set;

/**
 * Which processors may change a root (pod annotations {@code processors.include|exclude}).
 *
 * @param include ids allowed; empty means every processor
 * @param exclude ids never allowed; wins over include
 */
public record ProcessorFilter(Set<String> include, Set<String> exclude) {

  /** Allows every processor. */
  public static final ProcessorFilter ALL = new ProcessorFilter(Set.of(), Set.of());

  public ProcessorFilter {
    include = Set.copyOf(include);
    exclude = Set.copyOf(exclude);
  }

  /** True when the processor with this id may apply its changes. */
  public boolean allows(String processorId) {
    return !exclude.contains(processorId) && (include.isEmpty() || include.contains(processorId));
  }
}
