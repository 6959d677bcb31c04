// SPDX-License-Identifier: Apache-2.0
/**
 * Kubernetes access: a namespace-label cache fed by an informer, and Events on pods for failures. A
 * failing API never blocks a decision: callers get what is cached. Thread-safe.
 */
package io.cainjekt.k8s;
