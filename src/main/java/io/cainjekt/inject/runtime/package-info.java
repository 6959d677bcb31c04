// SPDX-License-Identifier: Apache-2.0
/**
 * Language-runtime detection and the Java truststore: JDKs and their cacerts, Node.js, Python and
 * certifi, Go, Ruby. Implements DESIGN section 4.
 */
package io.cainjekt.inject.runtime;
