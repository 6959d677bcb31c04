// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counts the process's open descriptors, from {@code /proc/self/fd}. */
final class OpenDescriptors {

  private OpenDescriptors() {}

  /**
   * The descriptors open on something under {@code dir}: other tests of the same JVM open and close
   * descriptors of their own meanwhile, so the whole table is not counted.
   */
  static long under(Path dir) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> isUnder(fd, dir)).count();
    }
  }

  private static boolean isUnder(Path fd, Path dir) {
    try {
      return Files.readSymbolicLink(fd).startsWith(dir);
    } catch (IOException e) {
      return false; // closed since it was listed
    }
  }
}
