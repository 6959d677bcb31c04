// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Content-addressed files under {@code <root>/blobs/<sha256-hex>}, each stored once and shared by
 * hard links. A blob whose link count drops to 1 (only its own name) is garbage unless it is kept
 * ({@link #keepOnly}): the store finds the blob behind a container's file by inode, so collecting
 * costs one stat per file dropped. Mutations that link or delete blobs must run under the caller's
 * lock ({@link Staging} holds one); writing a temporary copy does not need it.
 */
final class BlobStore {

  static final String TEMP_PREFIX = ".tmp-";
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

  private final Path dir;
  private final AtomicLong bytes = new AtomicLong();
  // inode (fileKey) of each stored blob -> its path, to find the blob behind a container's file
  private final Map<Object, Path> byInode = new ConcurrentHashMap<>();
  // hashes of blobs stored even while no container links them
  private volatile Set<String> kept = Set.of();

  BlobStore(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  /** Total size of the stored blobs (each counted once however many links it has). */
  long bytes() {
    return bytes.get();
  }

  /** The path a blob with this hash has (whether stored or not). */
  Path path(String hash) {
    return dir.resolve(hash);
  }

  /** True when the blob is stored (a deletion may follow unless the caller holds the lock). */
  boolean contains(String hash) {
    return Files.exists(dir.resolve(hash));
  }

  /** Writes content to a fresh temporary file in the blob directory, mode 0644. No lock needed. */
  Path writeTemp(ByteString content) throws IOException {
    Path tmp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    try (OutputStream out = Files.newOutputStream(tmp)) {
      content.writeTo(out);
    }
    Files.setPosixFilePermissions(tmp, FILE_MODE);
    return tmp;
  }

  /**
   * The blob for {@code hash}, publishing {@code tmp} under that name when it is not stored yet
   * (link(2) fails on an existing name, so a blob is never replaced and keeps one inode). The
   * caller deletes {@code tmp} afterwards. Caller holds the lock.
   */
  Path publish(String hash, Path tmp) throws IOException {
    Path blob = path(hash);
    try {
      Files.createLink(blob, tmp);
      bytes.addAndGet(Files.size(blob));
      byInode.put(inode(blob), blob);
    } catch (FileAlreadyExistsException ignored) {
      // already stored: identical content by construction of the name
    }
    return blob;
  }

  /**
   * Deletes the blob with this inode if no container links it any more; a no-op for an inode that
   * is not a blob. Caller holds the lock.
   */
  void dropIfUnused(Object inode) throws IOException {
    Path blob = byInode.get(inode);
    if (blob != null && isGarbage(blob)) {
      delete(blob);
    }
  }

  /** Not kept, and no container links it: only the blob's own name is left. */
  private boolean isGarbage(Path blob) throws IOException {
    return !kept.contains(blob.getFileName().toString()) && linkCount(blob) <= 1;
  }

  /**
   * Keeps the blobs with these hashes (stored now or later) while no container links them, instead
   * of the ones kept before, which are deleted when no container links them. Caller holds the lock.
   */
  void keepOnly(Set<String> hashes) throws IOException {
    Set<String> before = kept;
    kept = Set.copyOf(hashes);
    for (String hash : before) {
      Path blob = path(hash);
      if (Files.exists(blob) && isGarbage(blob)) { // a kept file may never have been stored
        delete(blob);
      }
    }
  }

  static Object inode(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
  }

  private void delete(Path blob) throws IOException {
    Object key = inode(blob);
    long size = Files.size(blob);
    Files.delete(blob);
    bytes.addAndGet(-size);
    byInode.remove(key);
  }

  /**
   * Deletes every blob no container links any more, and stray temporaries. Caller holds the lock.
   */
  void collectGarbage(boolean includingTemps) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX)) {
          if (includingTemps) {
            Files.deleteIfExists(p);
          }
        } else if (isGarbage(p)) {
          delete(p);
        }
      }
    }
  }

  /**
   * Rebuilds {@link #bytes()} and the inode index from the directory (at open). Caller holds the
   * lock.
   */
  void recount() throws IOException {
    long total = 0;
    byInode.clear();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (!p.getFileName().toString().startsWith(TEMP_PREFIX)) {
          total += Files.size(p);
          byInode.put(inode(p), p);
        }
      }
    }
    bytes.set(total);
  }

  static int linkCount(Path p) throws IOException {
    try {
      return (Integer) Files.getAttribute(p, "unix:nlink");
    } catch (NoSuchFileException e) {
      return 0;
    }
  }
}
