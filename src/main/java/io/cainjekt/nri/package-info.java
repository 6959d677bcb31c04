// SPDX-License-Identifier: Apache-2.0
/**
 * A reusable NRI plugin stub: dial the runtime socket, register, answer Configure with the events
 * the {@link io.cainjekt.nri.NriPlugin} overrides, take multi-round Synchronize, call the plugin's
 * method of each event, reconnect with capped backoff. The plugin sees NRI-neutral records, never
 * protobuf types. Implements docs/architecture.md, "The two events" and "Wire facts"; thread-safe.
 */
package io.cainjekt.nri;
