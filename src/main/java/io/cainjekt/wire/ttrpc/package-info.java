// SPDX-License-Identifier: Apache-2.0
/**
 * ttrpc, containerd's RPC protocol, on one byte stream: a 10-byte header (u32 BE payload length,
 * u32 BE stream id, u8 message type: 1 request, 2 response, 3 data; u8 flags) followed by a
 * protobuf payload of at most 4 MiB. One connection is ttrpc client and server at once; client
 * stream ids are odd, from 1. Implements docs/architecture.md, "Wire facts". Codecs are pure;
 * connections are thread-safe and own one reader thread.
 */
package io.cainjekt.wire.ttrpc;
