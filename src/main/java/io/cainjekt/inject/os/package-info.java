// SPDX-License-Identifier: Apache-2.0
/**
 * OS trust-store processors: one processor driven by a table of distribution families (bundle
 * files, anchor directories, hashed certificate directories). Implements docs/architecture.md,
 * "Distro table".
 */
package io.cainjekt.inject.os;
