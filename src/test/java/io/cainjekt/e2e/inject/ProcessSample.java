// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Resource figures of one process read from outside through {@code /proc/<pid>}: threads (entries
 * of {@code task/}), open file descriptors ({@code fd/}) and resident memory ({@code VmRSS}).
 *
 * @param threads entries of {@code /proc/<pid>/task}
 * @param fds entries of {@code /proc/<pid>/fd}
 * @param rssKib {@code VmRSS} of {@code /proc/<pid>/status}, KiB
 */
record ProcessSample(int threads, int fds, long rssKib) {

  private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB$");
  private static final Pattern VM_HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+) kB$");
  // G1: "garbage-first heap total ..., used 1234K"; Serial: "DefNew total ..., used ..K" and
  // "Tenured ..."
  private static final Pattern HEAP_USED =
      Pattern.compile(
          "(?m)^\\s*(?:garbage-first heap|DefNew|Tenured|def new generation|tenured generation)\\s+total.*?used"
              + " (\\d+)K");
  private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(60);
  private static final long TICK_MS = 10;

  /** Reads the figures of {@code pid} now. */
  static ProcessSample of(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    return new ProcessSample(count(proc.resolve("task")), count(proc.resolve("fd")), rssKib(proc));
  }

  private static int count(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return (int) entries.count();
    } catch (IOException e) {
      throw new UncheckedIOException("list " + dir, e);
    }
  }

  /** The peak resident memory of {@code pid} since it started ({@code VmHWM}), KiB. */
  static long peakRssKib(long pid) {
    return statusKib(Path.of("/proc", Long.toString(pid)), VM_HWM);
  }

  private static long rssKib(Path proc) {
    return statusKib(proc, VM_RSS);
  }

  private static long statusKib(Path proc, Pattern field) {
    try {
      Matcher m = field.matcher(Files.readString(proc.resolve("status")));
      if (!m.find()) {
        throw new IllegalStateException("no " + field + " in " + proc.resolve("status"));
      }
      return Long.parseLong(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException("read " + proc.resolve("status"), e);
    }
  }

  /**
   * Runs a full GC in the JVM {@code pid} from outside ({@code jcmd PID GC.run}, the attach API)
   * and returns the heap used afterwards in KiB (G1 or Serial): the live heap, a leak shows up here
   * first.
   */
  static long liveHeapKibAfterFullGc(long pid) {
    Path jcmd = jdkTool("jcmd");
    Shell.run(JCMD_TIMEOUT, List.of(jcmd.toString(), Long.toString(pid), "GC.run"));
    String info =
        Shell.run(JCMD_TIMEOUT, List.of(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
    Matcher m = HEAP_USED.matcher(info);
    long used = 0;
    boolean found = false;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("no heap figure in jcmd GC.heap_info: " + info);
    }
    return used;
  }

  /**
   * CPU time (user and system) {@code pid} has used so far, in ms: fields 14 and 15 of {@code
   * /proc/<pid>/stat}, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
   */
  static long cpuMillis(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String line = Files.readString(stat);
      // the command name in field 2 may hold spaces and parentheses: count from its end
      String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_MS;
    } catch (IOException e) {
      throw new UncheckedIOException("read " + stat, e);
    }
  }

  /**
   * CPU time all of the machine's CPUs have been busy so far, in ms: user, nice, system, irq,
   * softirq and steal of the {@code cpu} line of {@code /proc/stat}.
   */
  static long machineBusyMillis() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      long ticks = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        ticks += Long.parseLong(f[i]);
      }
      return ticks * TICK_MS;
    } catch (IOException e) {
      throw new UncheckedIOException("read /proc/stat", e);
    }
  }

  /** A tool of the JDK running the tests (the plugin runs on the same java by default). */
  static Path jdkTool(String name) {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    return java.resolveSibling(name);
  }
}
