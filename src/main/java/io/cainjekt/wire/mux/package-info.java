// SPDX-License-Identifier: Apache-2.0
/**
 * The NRI connection multiplexer: many logical connections on one stream socket, framed as u32 BE
 * connection id, u32 BE payload length, payload. Connection 1 carries the plugin service, 2 the
 * runtime service, 0 is reserved. Implements docs/architecture.md, "Wire facts"; thread-safe, one
 * reader thread per trunk.
 */
package io.cainjekt.wire.mux;
