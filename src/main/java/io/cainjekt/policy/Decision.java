// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The opt-in decision for one container, with where it came from and why. Immutable.
 *
 * @param inject whether the container gets the CAs
 * @param source which pod or namespace setting decided, {@link Source#NONE} when none did
 * @param reason the machine-readable reason (metric label, annotation value)
 * @param detail one human sentence for the log line and the Kubernetes Event; never holds values
 *     longer than a few dozen characters
 * @param bundle the chosen bundle name, present exactly when {@code inject} is true
 * @param processors the processors the pod selected ({@link ProcessorSelection#ALL} by default)
 * @param warnings near-miss keys and ignored values the caller should log at WARN, once per pod
 */
public record Decision(
    boolean inject,
    Source source,
    Reason reason,
    String detail,
    Optional<String> bundle,
    ProcessorSelection processors,
    List<String> warnings) {

  /** Where a decision came from, in precedence order. */
  public enum Source {
    POD_ANNOTATION,
    POD_LABEL,
    NAMESPACE_LABEL,
    NONE
  }

  /** Why a container is or is not injected. {@link #label()} is stable (metrics, annotations). */
  public enum Reason {
    /** {@code enabled: "true"} at the deciding level, no exclusion. */
    OPTED_IN("opted_in"),
    /** No level says anything. */
    NOT_OPTED_IN("not_opted_in"),
    /** Some level says {@code "false"}: an explicit opt-out wins over every opt-in. */
    OPTED_OUT("opted_out"),
    /**
     * The deciding level holds neither "true" nor "false" (e.g. "yes"): ambiguous, not injected.
     */
    INVALID_VALUE("invalid_value"),
    /** The pod says nothing and the namespace labels are not known (API down, cache cold). */
    NAMESPACE_UNKNOWN("namespace_unknown"),
    /** Opted in, but the container is in the default exclusion list or the pod's. */
    EXCLUDED_CONTAINER("excluded_container"),
    /** Opted in, but the pod asks for a bundle that is not configured. */
    UNKNOWN_BUNDLE("unknown_bundle");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** Stable snake_case name, e.g. {@code opted_out}. */
    public String label() {
      return label;
    }
  }

  /** Copies the warnings; {@code bundle} must be present exactly when {@code inject} is true. */
  public Decision {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(processors, "processors");
    warnings = List.copyOf(warnings);
    if (inject != bundle.isPresent()) {
      throw new IllegalArgumentException("bundle must be present exactly when inject is true");
    }
  }
}
