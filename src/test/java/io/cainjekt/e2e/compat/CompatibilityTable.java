// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders docs/compatibility.md (containerd release x distro family x TLS client) from the e2e
 * result files of {@link CompatResults}. A cell is the verdict the client reached on that release;
 * a verdict other than the test's expectation shows as {@code MISMATCH}. Pure: files are read and
 * written by {@link CompatibilityCheck}.
 */
public final class CompatibilityTable {

  /** The line that carries the generation time; the drift check ignores it. */
  static final String GENERATED_PREFIX = "Generated ";

  /** The command that produces the table, printed in the document. */
  static final String COMMAND = "./mvnw -B verify";

  private final SortedMap<String, String> runtimes;
  private final List<CompatRecord> records;

  private CompatibilityTable(SortedMap<String, String> runtimes, List<CompatRecord> records) {
    this.runtimes = runtimes;
    this.records = records;
  }

  /** Parses result files' lines (header and records, any order, any number of files). */
  public static CompatibilityTable parse(List<String> lines) {
    SortedMap<String, String> runtimes = new TreeMap<>();
    List<CompatRecord> records = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith(CompatResults.RUNTIME_HEADER)) {
        String[] f = line.substring(CompatResults.RUNTIME_HEADER.length()).split("\t", 2);
        if (f.length != 2) {
          throw new IllegalArgumentException("malformed runtime header: '" + line + "'");
        }
        runtimes.put(f[0], f[1]);
      } else if (!line.isBlank()) {
        records.add(CompatRecord.parse(line));
      }
    }
    for (CompatRecord r : records) {
      if (!runtimes.containsKey(r.release())) {
        throw new IllegalArgumentException(
            "record for containerd " + r.release() + " without header");
      }
    }
    return new CompatibilityTable(runtimes, records);
  }

  /** The releases that have a result file. */
  public SortedSet<String> releases() {
    return new TreeSet<>(runtimes.keySet());
  }

  /** The number of verdict records. */
  public int size() {
    return records.size();
  }

  /** The whole document; {@code generated} goes into the one line the drift check ignores. */
  public String render(Instant generated) {
    StringBuilder md = new StringBuilder();
    md.append("# Compatibility: containerd x distro family x TLS client\n\n")
        .append("<!-- generated from e2e results by io.cainjekt.e2e.compat.CompatibilityCheck;")
        .append(" do not edit: run `")
        .append(COMMAND)
        .append(" -Dcompat.mode=update` as root -->\n\n")
        .append(GENERATED_PREFIX)
        .append(generated.truncatedTo(ChronoUnit.MINUTES))
        .append(" by `")
        .append(COMMAND)
        .append("` (as root), from the records the e2e TLS checks wrote to")
        .append(" `target/e2e/compat/containerd-<release>.tsv`.\n\n")
        .append("Runtimes (each with runc 1.1.5 and the same cainjekt jar):\n\n");
    runtimes.forEach(
        (release, line) ->
            md.append("- ").append(release).append(": `").append(line).append("`\n"));
    md.append(
        "\nA cell is the verdict the TLS client reached inside a container of that image, for a"
            + " server signed by the CA the row names; `MISMATCH` marks a verdict the test did not"
            + " expect, `-` a combination not run on that release. \"OS store alone\" means the"
            + " cainjekt variables (`SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`,"
            + " `JAVA_TOOL_OPTIONS`) were unset.\n\n");
    md.append(tableHeader());
    rows().forEach(md::append);
    return md.toString();
  }

  private String tableHeader() {
    String columns =
        runtimes.keySet().stream()
            .map(r -> " containerd " + r + " |")
            .collect(Collectors.joining());
    return "| distro family | image | TLS client | check |"
        + columns
        + "\n|---|---|---|---|"
        + "---|".repeat(runtimes.size())
        + "\n";
  }

  private List<String> rows() {
    Map<List<String>, List<CompatRecord>> byRow =
        records.stream()
            .collect(
                Collectors.groupingBy(
                    r -> List.of(r.family(), r.image(), r.client(), r.check()),
                    () -> new TreeMap<>(ROW_ORDER),
                    Collectors.toList()));
    List<String> rows = new ArrayList<>();
    byRow.forEach(
        (key, rowRecords) -> {
          StringBuilder row = new StringBuilder("|");
          key.forEach(k -> row.append(' ').append(k).append(" |"));
          for (String release : runtimes.keySet()) {
            row.append(' ').append(cell(rowRecords, release)).append(" |");
          }
          rows.add(row.append('\n').toString());
        });
    return rows;
  }

  private static final Comparator<List<String>> ROW_ORDER =
      (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
          int c = a.get(i).compareTo(b.get(i));
          if (c != 0) {
            return c;
          }
        }
        return 0;
      };

  /** The observed verdicts of one row on one release, marked when any differs from expected. */
  static String cell(List<CompatRecord> rowRecords, String release) {
    List<CompatRecord> mine = rowRecords.stream().filter(r -> r.release().equals(release)).toList();
    if (mine.isEmpty()) {
      return "-";
    }
    String seen = words(mine, CompatRecord::verdict);
    if (mine.stream().allMatch(r -> r.verdict().equals(r.expected()))) {
      return seen;
    }
    String expected = words(mine, CompatRecord::expected);
    return "MISMATCH: " + seen + " (expected " + expected + ")";
  }

  /** The distinct values of {@code field}, sorted, lower case, comma-separated. */
  private static String words(List<CompatRecord> records, Function<CompatRecord, String> field) {
    return records.stream()
        .map(field)
        .distinct()
        .sorted()
        .map(v -> v.toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  /** Reads every {@code *.tsv} result file in {@code dir} (none: an empty table). */
  public static CompatibilityTable read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return parse(List.of());
    }
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".tsv")).sorted().toList()) {
        lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
      }
    }
    return parse(lines);
  }
}
