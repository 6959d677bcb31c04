// SPDX-License-Identifier: Apache-2.0
/**
 * Kubernetes access: a namespace-label cache fed by a list and watch, and Events on pods for
 * failures, over a small client on the JDK's HttpClient ({@link io.cainjekt.k8s.ApiClient}) that
 * authenticates as {@link io.cainjekt.k8s.ApiConfig} says. A failing API never blocks a decision:
 * callers get what is cached. Thread-safe.
 */
package io.cainjekt.k8s;
