// SPDX-License-Identifier: Apache-2.0
/**
 * CA bundles: parse and validate PEM certificate sets (any non-certificate block is rejected),
 * deduplicate by DER, merge append-only, build PKCS12 truststores, read image keystores (PKCS12 key
 * derivation bounded first), hot-reload named bundles. Holds the project's one DER reader and
 * writer. Implements docs/architecture.md, "What a container sees" and "Safety rules"; value types
 * are immutable.
 */
package io.cainjekt.trust;
