// SPDX-License-Identifier: Apache-2.0
/**
 * Pure opt-in decisions: (pod, container, namespace labels, configuration) to a Decision with its
 * source and reason. Implements DESIGN section 7; stateless and thread-safe.
 */
package io.cainjekt.policy;
