// SPDX-License-Identifier: Apache-2.0
/**
 * A reusable NRI plugin stub: dial the runtime socket, register, answer Configure with the event
 * mask of the handlers present, take multi-round Synchronize, dispatch events, reconnect with
 * capped backoff. Handlers see NRI-neutral records, never protobuf types. Implements
 * docs/architecture.md, "The two events" and "Wire facts"; thread-safe.
 */
package io.cainjekt.nri;
