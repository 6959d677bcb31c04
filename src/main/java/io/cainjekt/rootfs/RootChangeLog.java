// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The changes made to a root through this log, in order: the one record of what an injection run
 * changed, read by its report (the paths changed) and kept to be made again on another root of the
 * same image ({@link RootFs#apply}). Each method makes its change through the {@link RootFs}, with
 * that method's checks, and records it once made; a dry run's log records what would be made and
 * makes nothing. Confined to the thread running the injection.
 */
public final class RootChangeLog {

  private final RootFs root;
  private final boolean dryRun;
  private final List<RootChange> changes = new ArrayList<>();

  private RootChangeLog(RootFs root, boolean dryRun) {
    this.root = root;
    this.dryRun = dryRun;
  }

  /** A log of the changes made to {@code root}. */
  public static RootChangeLog of(RootFs root) {
    return new RootChangeLog(root, false);
  }

  /** A log of the changes a dry run would make to {@code root}; {@code root} is not changed. */
  public static RootChangeLog dryRun(RootFs root) {
    return new RootChangeLog(root, true);
  }

  /** {@link RootFs#writeAtomically}, recorded. */
  public void writeAtomically(
      String containerPath, ByteString content, Set<PosixFilePermission> newFileMode)
      throws IOException {
    if (!dryRun) {
      root.writeAtomically(containerPath, content, newFileMode);
    }
    changes.add(new RootChange.Write(containerPath, content, newFileMode));
  }

  /** {@link RootFs#createDirectories}, recorded. */
  public void createDirectories(String containerPath) throws IOException {
    if (!dryRun) {
      root.createDirectories(containerPath);
    }
    changes.add(new RootChange.Directories(containerPath));
  }

  /** {@link RootFs#symlink}, recorded. */
  public void symlink(String containerPath, String target) throws IOException {
    if (!dryRun) {
      root.symlink(containerPath, target);
    }
    changes.add(new RootChange.Symlink(containerPath, target));
  }

  /**
   * {@link RootFs#delete}, recorded when something was removed; a dry run counts the entry as
   * removed.
   */
  public boolean delete(String containerPath) throws IOException {
    boolean removed = dryRun || root.delete(containerPath);
    if (removed) {
      changes.add(new RootChange.Delete(containerPath));
    }
    return removed;
  }

  /** The changes recorded so far, in order. */
  public List<RootChange> changes() {
    return List.copyOf(changes);
  }
}
