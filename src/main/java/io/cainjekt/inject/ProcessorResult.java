// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.util.Objects;

/**
 * The outcome of one processor in one pipeline run.
 *
 * @param processorId the processor's public id, e.g. {@code os-store}
 * @param outcome what it did
 */
public record ProcessorResult(String processorId, Outcome outcome) {
  public ProcessorResult {
    Objects.requireNonNull(processorId, "processorId");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** True when the processor failed. */
  public boolean failed() {
    return outcome instanceof Outcome.Failed;
  }
}
