// SPDX-License-Identifier: Apache-2.0
/**
 * Pure opt-in decisions: (pod, container, namespace labels, configuration) to a Decision with its
 * source and reason. Implements docs/architecture.md, "Opt-in and configuration"; stateless and
 * thread-safe.
 */
package io.cainjekt.policy;
