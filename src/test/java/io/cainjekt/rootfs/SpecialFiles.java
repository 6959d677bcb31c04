// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Makes FIFOs, devices and sockets for tests with the real tools (mkfifo, mknod). */
final class SpecialFiles {

  private SpecialFiles() {}

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  static void mkfifo(Path path) throws IOException {
    run(List.of("mkfifo", path.toString()));
  }

  /** A character device like /dev/null (major 1, minor 3); needs root. */
  static void mknodNull(Path path) throws IOException {
    run(List.of("mknod", path.toString(), "c", "1", "3"));
  }

  static void socket(Path path) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
    }
  }

  static void chattr(String flag, Path path) throws IOException {
    run(List.of("chattr", flag, path.toString()));
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException(
            command + " failed: " + new String(process.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(command.toString());
    }
  }
}
