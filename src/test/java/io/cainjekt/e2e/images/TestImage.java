// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.images;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One image built by {@code e2e/images/build.sh}: its root filesystem directory in the cache, the
 * OCI archive for {@code ctr -n k8s.io images import} (absent when built without archives or before
 * {@code e2e/oci-pack.sh} exists) and the fully qualified reference it is imported under.
 */
public record TestImage(
    String name, String key, Path rootfs, Optional<Path> archive, String reference) {
  public TestImage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rootfs, "rootfs");
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(reference, "reference");
  }
}
