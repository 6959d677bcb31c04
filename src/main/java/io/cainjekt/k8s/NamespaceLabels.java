// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Labels of namespaces, as far as they are known. Implementations answer immediately from memory
 * and never call the API on the caller's thread, so a slow or failing API server never delays a
 * container. Thread-safe.
 */
public interface NamespaceLabels extends AutoCloseable {

  /**
   * The namespace's labels, or empty when not known (never listed yet, API unreachable since start,
   * namespace created after the last successful watch event). An empty map means "known, without
   * labels".
   */
  Optional<Map<String, String>> labels(String namespace);

  /** Whether the initial list has completed at least once. */
  boolean synced();

  /**
   * Completes when the initial list has completed (at once when it has); never fails. For work that
   * must not decide on unknown labels, such as judging containers found running at start.
   */
  CompletionStage<Void> ready();

  @Override
  void close();
}
