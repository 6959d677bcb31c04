// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A container path resolved inside a {@link RootFs}: every symlink on the way was followed inside
 * the root, so {@code hostPath} lies under the root and none of its components below the root is a
 * symlink. {@code exists} is false when the final component (or a directory above it) is missing.
 *
 * @param containerPath the path as the container names it
 * @param hostPath where that path lives on the host
 * @param exists whether the resolved file exists
 */
public record ResolvedPath(String containerPath, Path hostPath, boolean exists) {

  /** Checks the components. */
  public ResolvedPath {
    Objects.requireNonNull(containerPath, "containerPath");
    Objects.requireNonNull(hostPath, "hostPath");
  }
}
