// SPDX-License-Identifier: Apache-2.0
/**
 * The only door into a container root: paths are resolved component by component with symlinks
 * interpreted inside the root, reads are size-capped, writes are atomic and only ever replace
 * regular files, deletes only ever unlink a file or symlink, never a directory. Implements
 * docs/architecture.md, "Safety rules"; thread-safe.
 */
package io.cainjekt.rootfs;
