// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import com.google.protobuf.ByteString;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;

/**
 * One change made to a root, recorded by a {@link RootChangeLog} so that it can be made again on
 * another root of the same image ({@link RootFs#apply}). Immutable.
 */
public sealed interface RootChange {

  /** The container path changed. */
  String containerPath();

  /** The bytes this change carries, for weighing a memory of changes. */
  long bytes();

  /** {@link RootFs#writeAtomically}. */
  record Write(String containerPath, ByteString content, Set<PosixFilePermission> newFileMode)
      implements RootChange {
    public Write {
      Objects.requireNonNull(containerPath, "containerPath");
      Objects.requireNonNull(content, "content");
      newFileMode = Set.copyOf(newFileMode);
    }

    @Override
    public long bytes() {
      return content.size();
    }
  }

  /** {@link RootFs#createDirectories}. */
  record Directories(String containerPath) implements RootChange {
    public Directories {
      Objects.requireNonNull(containerPath, "containerPath");
    }

    @Override
    public long bytes() {
      return containerPath.length();
    }
  }

  /** {@link RootFs#symlink}. */
  record Symlink(String containerPath, String target) implements RootChange {
    public Symlink {
      Objects.requireNonNull(containerPath, "containerPath");
      Objects.requireNonNull(target, "target");
    }

    @Override
    public long bytes() {
      return containerPath.length() + target.length();
    }
  }

  /** {@link RootFs#delete}: something was removed at the path. */
  record Delete(String containerPath) implements RootChange {
    public Delete {
      Objects.requireNonNull(containerPath, "containerPath");
    }

    @Override
    public long bytes() {
      return containerPath.length();
    }
  }
}
