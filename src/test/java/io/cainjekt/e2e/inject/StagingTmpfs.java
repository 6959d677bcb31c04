// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A tmpfs mounted where {@link InjectingPlugin} keeps its staging directory ({@code
 * <work>/staging}): on a node the chart's {@code /run/cainjekt} is on the {@code /run} tmpfs, here
 * the work directory is on the disk. Unmounted on close. Needs root.
 */
final class StagingTmpfs implements AutoCloseable {

  private static final Duration SHELL = Duration.ofSeconds(60);

  private final Path dir;

  private StagingTmpfs(Path dir) {
    this.dir = dir;
  }

  /** Mounts a 256 MiB tmpfs on {@code workDir/staging}. */
  static StagingTmpfs mount(Path workDir) throws IOException {
    Path dir = workDir.resolve("staging");
    Files.createDirectories(dir);
    Shell.run(
        SHELL,
        List.of("mount", "-t", "tmpfs", "-o", "size=256m,mode=0755", "tmpfs", dir.toString()));
    return new StagingTmpfs(dir);
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    Shell.run(SHELL, List.of("umount", dir.toString()));
  }
}
