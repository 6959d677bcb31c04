// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The plugin's resources at one checkpoint of the soak, taken while no container exists (every
 * worker waits at the checkpoint): /proc figures, the live heap after a full GC, what is left in
 * the staging directory and the host mounts under the e2e containerd's directory.
 *
 * @param lifecycles container lifecycles completed before the sample
 * @param elapsed time since the soak started
 * @param process threads, fds and VmRSS before the forced GC (the plugin's own plateau)
 * @param rssAfterGcKib VmRSS right after the full GC
 * @param liveHeapKib G1 heap used after the full GC
 * @param stagedDirs entries of {@code <staging>/containers}
 * @param blobs entries of {@code <staging>/blobs}
 * @param hostMounts lines of /proc/self/mountinfo naming the containerd or staging directory
 */
record SoakSample(
    int lifecycles,
    Duration elapsed,
    ProcessSample process,
    long rssAfterGcKib,
    long liveHeapKib,
    int stagedDirs,
    int blobs,
    int hostMounts) {

  static final String CSV_HEADER =
      "lifecycles,elapsed_s,threads,fds,rss_kib,rss_after_gc_kib,live_heap_kib,staged_dirs,blobs,"
          + "host_mounts";

  /** Samples the plugin {@code pid} now; forces one full GC in it. */
  static SoakSample take(
      int lifecycles, Duration elapsed, long pid, Path stagingDir, Path containerdDir) {
    ProcessSample before = ProcessSample.of(pid);
    long liveHeap = ProcessSample.liveHeapKibAfterFullGc(pid);
    long rssAfterGc = ProcessSample.of(pid).rssKib();
    return new SoakSample(
        lifecycles,
        elapsed,
        before,
        rssAfterGc,
        liveHeap,
        count(stagingDir.resolve("containers")),
        count(stagingDir.resolve("blobs")),
        hostMounts(containerdDir, stagingDir));
  }

  String csv() {
    return "%d,%.1f,%d,%d,%d,%d,%d,%d,%d,%d"
        .formatted(
            lifecycles,
            elapsed.toMillis() / 1000.0,
            process.threads(),
            process.fds(),
            process.rssKib(),
            rssAfterGcKib,
            liveHeapKib,
            stagedDirs,
            blobs,
            hostMounts);
  }

  private static int count(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return (int) entries.count();
    } catch (IOException e) {
      throw new UncheckedIOException("list " + dir, e);
    }
  }

  private static int hostMounts(Path containerdDir, Path stagingDir) {
    try {
      String a = containerdDir.toAbsolutePath().toString();
      String b = stagingDir.toAbsolutePath().toString();
      return (int)
          Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
              .filter(l -> l.contains(a) || l.contains(b))
              .count();
    } catch (IOException e) {
      throw new UncheckedIOException("read /proc/self/mountinfo", e);
    }
  }
}
