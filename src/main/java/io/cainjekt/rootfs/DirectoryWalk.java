// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.List;

/**
 * Opens a directory below a root one component at a time, each with {@code O_NOFOLLOW} relative to
 * its parent's descriptor, so a component swapped for a symlink after resolution fails instead of
 * leading out of the root. Stateless and thread-safe.
 */
final class DirectoryWalk {

  private DirectoryWalk() {}

  /**
   * Opens {@code root/components...} as a secure directory stream; the caller closes it.
   *
   * @throws IOException if a component is missing, not a directory, or a symlink
   */
  static SecureDirectoryStream<Path> open(Path root, List<String> components) throws IOException {
    SecureDirectoryStream<Path> current = secure(Files.newDirectoryStream(root), root);
    try {
      for (String name : components) {
        SecureDirectoryStream<Path> next =
            current.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        current.close();
        current = next;
      }
      return current;
    } catch (IOException | RuntimeException e) {
      current.close();
      throw e;
    }
  }

  private static SecureDirectoryStream<Path> secure(DirectoryStream<Path> stream, Path root)
      throws IOException {
    if (stream instanceof SecureDirectoryStream<Path> secure) {
      return secure;
    }
    stream.close();
    throw new IOException(
        "open root " + root + ": the file system offers no secure directory access");
  }
}
