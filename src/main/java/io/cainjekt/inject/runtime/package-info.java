// SPDX-License-Identifier: Apache-2.0
/**
 * Language-runtime detection and the Java truststore: JDKs and their cacerts, Node.js, Python and
 * certifi, Go, Ruby. Implements docs/architecture.md, "What a container sees".
 */
package io.cainjekt.inject.runtime;
