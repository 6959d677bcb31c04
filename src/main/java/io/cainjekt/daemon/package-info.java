// SPDX-License-Identifier: Apache-2.0
/**
 * Composition root: validated configuration records, component lifecycle, and the handlers that
 * turn NRI events into policy decisions and injection work. Fail-open versus fail-closed is decided
 * here only (docs/architecture.md, "Safety rules").
 */
package io.cainjekt.daemon;
