// SPDX-License-Identifier: Apache-2.0
/**
 * CA bundles: parse and validate PEM certificate sets (any non-certificate block is rejected),
 * deduplicate by DER, merge append-only, build PKCS12 truststores, hot-reload named bundles.
 * Implements DESIGN sections 4 and 6; value types are immutable.
 */
package io.cainjekt.trust;
