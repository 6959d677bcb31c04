// SPDX-License-Identifier: Apache-2.0
/**
 * Operations: Prometheus metrics in their own registry, the /healthz, /readyz and /metrics HTTP
 * server, readiness state. Implements docs/architecture.md, "Operations"; thread-safe.
 */
package io.cainjekt.observe;
