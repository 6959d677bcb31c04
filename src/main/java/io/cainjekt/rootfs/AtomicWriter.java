// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The final step of every change, made in the already-resolved parent directory (reached through a
 * {@link DirectoryWalk}): for a write, a temp file created with {@code CREATE_NEW} and {@code
 * O_NOFOLLOW}, then renamed over the target; for a delete, an {@code unlinkat} of the target.
 * Neither ever follows a symlink. Thread-safe.
 */
final class AtomicWriter {

  private static final int MAX_TEMP_PREFIX_CHARS = 180;

  /**
   * Temp names only need to be unused (CREATE_NEW and the rename check that); a counter from a
   * random start names them without a SecureRandom call per file.
   */
  private static final AtomicLong TEMP_COUNTER = new AtomicLong(new SecureRandom().nextLong());

  private AtomicWriter() {}

  /**
   * Replaces {@code name} in {@code dir} with a regular file holding {@code content}, keeping the
   * mode and owner of a regular file already there.
   *
   * @param parentHost the host path of {@code dir}, only to name a refused target in the error
   */
  static void replaceFile(
      SecureDirectoryStream<Path> dir,
      Path parentHost,
      String name,
      String containerPath,
      ByteString content,
      Set<PosixFilePermission> newFileMode)
      throws IOException {
    Optional<PosixFileAttributes> existing = attributes(dir, name);
    if (existing.isPresent() && !existing.get().isRegularFile()) {
      Path host = parentHost.resolve(name);
      throw new NotRegularFileException("write", containerPath, FileKind.of(host).label());
    }
    Path temp = Path.of(tempName(name));
    try {
      writeNew(dir, temp, content);
      PosixFileAttributeView view = view(dir, temp);
      if (existing.isPresent()) {
        // mode first: once the file belongs to another user, chmod needs CAP_FOWNER, which the
        // plugin does not hold (docs/security.md; LeastPrivilegeIT)
        view.setPermissions(existing.get().permissions());
        keepOwner(view, existing.get());
      } else {
        view.setPermissions(newFileMode);
      }
      dir.move(temp, dir, Path.of(name));
    } catch (IOException | RuntimeException e) {
      deleteQuietly(dir, temp);
      throw e;
    }
  }

  /**
   * Replaces {@code name} in {@code dir} with a symlink to {@code target}; only a symlink may be
   * there already. The temp link is made by the host path {@code parentHost} (the JDK has no {@code
   * symlinkat}) and renamed onto the name relative to {@code dir}.
   */
  static void replaceSymlink(
      SecureDirectoryStream<Path> dir,
      Path parentHost,
      String name,
      String containerPath,
      String target)
      throws IOException {
    Optional<PosixFileAttributes> existing = attributes(dir, name);
    if (existing.isPresent() && !existing.get().isSymbolicLink()) {
      throw new FileAlreadyExistsException(
          containerPath, null, "symlink: exists and is not a symlink");
    }
    sameDirectory(dir, parentHost, containerPath);
    Path temp = Path.of(tempName(name));
    try {
      Files.createSymbolicLink(parentHost.resolve(temp), Path.of(target));
      dir.move(temp, dir, Path.of(name));
    } catch (IOException | RuntimeException e) {
      deleteQuietly(dir, temp);
      throw e;
    }
  }

  /**
   * Refuses to go on when {@code parentHost} no longer names the directory {@code dir} holds open
   * (same device and inode): the container swapped it, or a directory above it, for a symlink since
   * it was opened, and a link made by that host path could land outside the root.
   */
  private static void sameDirectory(
      SecureDirectoryStream<Path> dir, Path parentHost, String containerPath) throws IOException {
    Object held = dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
    Object named;
    try {
      named =
          Files.readAttributes(parentHost, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
    } catch (NoSuchFileException e) {
      named = null;
    }
    if (held == null || !held.equals(named)) {
      throw new RootfsEscapeException(
          "symlink "
              + containerPath
              + ": its directory was replaced while the plugin worked in it");
    }
  }

  /**
   * Unlinks {@code name} in {@code dir} without following it: a symlink is removed, never what it
   * points at.
   *
   * @return true if something was removed, false if nothing was there
   * @throws NotRegularFileException if it is a directory
   */
  static boolean delete(SecureDirectoryStream<Path> dir, String name, String containerPath)
      throws IOException {
    Optional<PosixFileAttributes> existing = attributes(dir, name);
    if (existing.isEmpty()) {
      return false;
    }
    if (existing.get().isDirectory()) {
      throw new NotRegularFileException("delete", containerPath, FileKind.DIRECTORY.label());
    }
    // unlinkat without AT_REMOVEDIR: a directory swapped in since the check fails with EISDIR
    try {
      dir.deleteFile(Path.of(name));
    } catch (NoSuchFileException e) {
      return false;
    }
    return true;
  }

  private static Optional<PosixFileAttributes> attributes(
      SecureDirectoryStream<Path> dir, String name) throws IOException {
    try {
      return Optional.of(view(dir, Path.of(name)).readAttributes());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static PosixFileAttributeView view(SecureDirectoryStream<Path> dir, Path name) {
    return dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static void writeNew(SecureDirectoryStream<Path> dir, Path temp, ByteString content)
      throws IOException {
    Set<OpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    try (SeekableByteChannel channel =
        dir.newByteChannel(
            temp,
            options,
            PosixFilePermissions.asFileAttribute(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)))) {
      content.writeTo(Channels.newOutputStream(channel));
    }
  }

  /** Copies numeric uid and gid; a chown is skipped when the temp file already has them. */
  private static void keepOwner(PosixFileAttributeView view, PosixFileAttributes existing)
      throws IOException {
    PosixFileAttributes temp = view.readAttributes();
    if (!temp.owner().equals(existing.owner())) {
      view.setOwner(existing.owner());
    }
    if (!temp.group().equals(existing.group())) {
      view.setGroup(existing.group());
    }
  }

  private static String tempName(String name) {
    String prefix =
        name.length() > MAX_TEMP_PREFIX_CHARS ? name.substring(0, MAX_TEMP_PREFIX_CHARS) : name;
    return "."
        + prefix
        + ".cainjekt-"
        + HexFormat.of().toHexDigits(TEMP_COUNTER.incrementAndGet())
        + ".tmp";
  }

  private static void deleteQuietly(SecureDirectoryStream<Path> dir, Path temp) {
    try {
      dir.deleteFile(temp);
    } catch (IOException ignored) {
      // the temp file was never created or is already gone: nothing to clean up
    }
  }
}
