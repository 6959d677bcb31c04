// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The type of a file as {@code lstat} reports it, named for error messages. */
enum FileKind {
  REGULAR("regular file"),
  DIRECTORY("directory"),
  SYMLINK("symlink"),
  FIFO("fifo"),
  SOCKET("socket"),
  CHARACTER_DEVICE("character device"),
  BLOCK_DEVICE("block device"),
  MISSING("missing file");

  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFSOCK = 0140000;

  private final String label;

  FileKind(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** The kind of {@code host} without following a final symlink. */
  static FileKind of(Path host) throws IOException {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(host, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return MISSING;
    }
    return switch (mode & S_IFMT) {
      case S_IFREG -> REGULAR;
      case S_IFDIR -> DIRECTORY;
      case S_IFLNK -> SYMLINK;
      case S_IFIFO -> FIFO;
      case S_IFSOCK -> SOCKET;
      case S_IFCHR -> CHARACTER_DEVICE;
      case S_IFBLK -> BLOCK_DEVICE;
      default -> throw new IOException("stat " + host + ": unknown file type " + mode);
    };
  }
}
