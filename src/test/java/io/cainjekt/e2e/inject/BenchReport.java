// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cainjekt.e2e.CallTimings;
import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable result of one e2e benchmark: {@code target/bench/<name>.json} with the date,
 * the machine (nproc, kernel, CPU, JDK, containerd) and the figures, in insertion order. {@code
 * bench/report.sh} summarises these files in target/bench/report.md. Confined to the test thread.
 */
final class BenchReport {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String name;
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final Map<String, Object> document = new LinkedHashMap<>();

  /**
   * A report named {@code name} (the file name) describing {@code what} (one sentence for the
   * generated table).
   */
  BenchReport(String name, String what, Containerd containerd) {
    this.name = name;
    document.put("benchmark", name);
    document.put("what", what);
    document.put("date", Instant.now().toString());
    document.put("machine", machine(containerd));
    document.put("figures", figures);
  }

  /** Adds (or replaces) one figure; values are numbers, strings, lists or maps. */
  BenchReport put(String figure, Object value) {
    figures.put(figure, value);
    return this;
  }

  /** Adds median, p99, max and count of {@code method} in {@code timings}, in milliseconds. */
  BenchReport putLatency(String figure, CallTimings timings, String method) {
    return put(figure, latency(timings, method));
  }

  /** Count, median, p99 and max of {@code method} in {@code timings} (ms); count 0 if none. */
  static Map<String, Object> latency(CallTimings timings, String method) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (timings.samples(method).isEmpty()) {
      m.put("n", 0);
      return m;
    }
    CallTimings.Summary s = timings.summary(method);
    m.put("n", s.count());
    m.put("median_ms", millis(s.median()));
    m.put("p99_ms", millis(s.p99()));
    m.put("max_ms", millis(s.max()));
    return m;
  }

  /** Writes {@code target/bench/<name>.json} under the repository and returns the file. */
  Path write(Path basedir) {
    Path file = basedir.resolve("target/bench").resolve(name + ".json");
    try {
      Files.createDirectories(file.getParent());
      JSON.writeValue(file.toFile(), document);
      System.out.println(name + ": " + JSON.writeValueAsString(figures));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("write " + file, e);
    }
  }

  /**
   * The ratio of {@code a}'s to {@code b}'s median (or p99) latency of {@code method}, to three
   * decimals.
   */
  static double ratio(CallTimings a, CallTimings b, String method, boolean median) {
    CallTimings.Summary x = a.summary(method);
    CallTimings.Summary y = b.summary(method);
    double r =
        median
            ? (double) x.median().toNanos() / y.median().toNanos()
            : (double) x.p99().toNanos() / y.p99().toNanos();
    return Math.round(r * 1000) / 1000.0;
  }

  /** The {@code q} quantile (nearest rank) of {@code values}, 0 when there are none. */
  static double percentile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
  }

  static double millis(Duration d) {
    return Math.round(d.toNanos() / 1e4) / 100.0;
  }

  static double mib(long bytes) {
    return Math.round(bytes / 1048576.0 * 100) / 100.0;
  }

  private static Map<String, Object> machine(Containerd containerd) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nproc", Runtime.getRuntime().availableProcessors());
    m.put("kernel", Shell.run(Duration.ofSeconds(10), List.of("uname", "-r")).strip());
    m.put("cpu", cpuModel());
    m.put("memory_mib", memoryMib());
    m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("containerd", containerd.cri().version());
    m.put("note", "shared machine: other builds and tests ran at the same time");
    return m;
  }

  private static String cpuModel() {
    return readProc("/proc/cpuinfo")
        .lines()
        .filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip())
        .findFirst()
        .orElse("unknown");
  }

  private static long memoryMib() {
    return readProc("/proc/meminfo")
        .lines()
        .filter(l -> l.startsWith("MemTotal:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
        .findFirst()
        .orElse(0L);
  }

  private static String readProc(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException("read " + path, e);
    }
  }
}
