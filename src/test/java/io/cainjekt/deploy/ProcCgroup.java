// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory cgroup of a process of the host, cgroup v2 ({@code 0::PATH}) or v1 ({@code
 * N:memory:PATH}), and its limit and usage. Stateless.
 */
final class ProcCgroup {

  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private ProcCgroup() {}

  /** The memory limit of {@code pid}'s cgroup in bytes. */
  static long memoryLimitBytes(long pid) throws IOException {
    return read(pid, "memory.max", "memory.limit_in_bytes");
  }

  /** The memory the cgroup of {@code pid} charges, page cache included, in bytes. */
  static long memoryUsageBytes(long pid) throws IOException {
    return read(pid, "memory.current", "memory.usage_in_bytes");
  }

  private static long read(long pid, String v2, String v1) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      String[] f = line.split(":", 3);
      if (f[0].equals("0") && f[1].isEmpty() && Files.exists(ROOT.resolve("cgroup.controllers"))) {
        return Long.parseLong(
            Files.readString(ROOT.resolve(f[2].substring(1)).resolve(v2)).strip());
      }
      if (f[1].equals("memory")) {
        Path dir = ROOT.resolve("memory").resolve(f[2].substring(1));
        return Long.parseLong(Files.readString(dir.resolve(v1)).strip());
      }
    }
    throw new IOException("no memory cgroup in /proc/" + pid + "/cgroup");
  }
}
