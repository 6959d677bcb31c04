// SPDX-License-Identifier: Apache-2.0
/**
 * The injection pipeline: staging store, processors and their outcomes, status report. Driven by
 * the daemon at NRI events and offline by cainjekt inject. Implements docs/architecture.md, "What a
 * container sees" and "Distro table"; never sees NRI or protobuf types.
 */
package io.cainjekt.inject;
