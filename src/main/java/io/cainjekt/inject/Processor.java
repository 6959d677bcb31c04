// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.io.IOException;

/**
 * One step of the injection pipeline: an OS trust store or a language runtime.
 *
 * <p>Contract: {@link #detect} only reads the root and records its findings in the context (so
 * status.json lists them even when the processor is filtered out); {@link #apply} runs only when
 * detection found something and the request's filter allows this processor's id, and makes every
 * change through {@link InjectionContext}, which honours dry runs and volume mounts. Any exception
 * becomes a {@link Outcome.Failed} naming this processor; the pipeline then carries on.
 * Implementations are stateless and thread-safe; per-run state lives in the context.
 */
public interface Processor {

  /** Public, stable id used in filters, status.json and metrics, e.g. {@code os-store}. */
  String id();

  /** Lower runs first. The OS store runs before runtimes so they can fall back on its bundle. */
  int priority();

  /** Looks at the root without changing it. */
  Detection detect(InjectionContext context) throws IOException;

  /** Does the work; called only after a positive detection. */
  Outcome apply(InjectionContext context) throws IOException;
}
