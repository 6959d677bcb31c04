// SPDX-License-Identifier: Apache-2.0
/**
 * The injection pipeline: staging store, processors and their outcomes, status report. Driven by
 * the daemon at NRI events and offline by cainjekt inject. Implements DESIGN sections 4 and 5;
 * never sees NRI or protobuf types.
 */
package io.cainjekt.inject;
