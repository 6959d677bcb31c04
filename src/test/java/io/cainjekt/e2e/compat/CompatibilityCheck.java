// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Run by Maven after the e2e executions ({@code verify}): writes {@code target/compatibility.md}
 * from the result files, then either compares it with the committed {@code docs/compatibility.md}
 * (mode {@code check}: any difference except the generation time fails the build) or replaces it
 * (mode {@code update}). A partial e2e run ({@code -Dit.test=...}) writes the target copy only.
 *
 * <p>usage: {@code CompatibilityCheck check|update BASEDIR [--it-test=PATTERN]}
 */
public final class CompatibilityCheck {

  private static final Pattern FAILURES = Pattern.compile("<(errors|failures)>[1-9]");

  private CompatibilityCheck() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || !(args[0].equals("check") || args[0].equals("update"))) {
      throw new IllegalArgumentException(
          "usage: CompatibilityCheck check|update BASEDIR [--it-test=PATTERN]");
    }
    Path basedir = Path.of(args[1]);
    String itTest = args.length > 2 ? args[2].replaceFirst("^--it-test=", "") : "";
    CompatibilityTable table = CompatibilityTable.read(CompatResults.directory(basedir));
    if (table.releases().isEmpty()) {
      System.out.println("compatibility: no e2e result records, nothing to check");
      return;
    }
    String generated = table.render();
    Path target = Files.createDirectories(basedir.resolve("target")).resolve("compatibility.md");
    Files.writeString(target, generated, StandardCharsets.UTF_8);
    System.out.printf(
        "compatibility: %d verdicts on containerd %s -> %s%n",
        table.size(), table.releases(), target);
    if (!itTest.isBlank()) {
      if (args[0].equals("update")) {
        throw new IllegalStateException(
            "compatibility: refusing to update docs from a partial run");
      }
      System.out.println("compatibility: partial run (it.test=" + itTest + "), docs not compared");
      return;
    }
    List<Path> failed = failedSummaries(basedir.resolve("target"));
    if (!failed.isEmpty()) {
      // failsafe's verify, next, fails the build with the failing tests themselves
      System.out.println("compatibility: e2e failures in " + failed + ", docs not compared");
      if (args[0].equals("update")) {
        throw new IllegalStateException("compatibility: refusing to update docs from a failed run");
      }
      return;
    }
    Path doc = basedir.resolve("docs/compatibility.md");
    if (args[0].equals("update")) {
      Files.writeString(doc, generated, StandardCharsets.UTF_8);
      System.out.println("compatibility: wrote " + doc);
      return;
    }
    String committed = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    List<String> drift = drift(committed, generated);
    if (!drift.isEmpty()) {
      throw new IllegalStateException(
          "compatibility: "
              + doc
              + " differs from this run's "
              + target
              + " (regenerate with -Dcompat.mode=update and commit it):\n"
              + String.join("\n", drift));
    }
    System.out.println("compatibility: " + doc + " matches this run");
  }

  /** The failsafe summary files under {@code target} that count failures or errors. */
  static List<Path> failedSummaries(Path target) throws IOException {
    if (!Files.isDirectory(target)) {
      return List.of();
    }
    List<Path> failed = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(target)) {
      for (Path dir :
          dirs.filter(d -> d.getFileName().toString().startsWith("failsafe-reports")).toList()) {
        Path summary = dir.resolve("failsafe-summary.xml");
        if (Files.exists(summary)
            && FAILURES.matcher(Files.readString(summary, StandardCharsets.UTF_8)).find()) {
          failed.add(summary);
        }
      }
    }
    return failed;
  }

  /**
   * The lines that differ between the committed and the generated document, each prefixed with
   * {@code -} (only committed) or {@code +} (only generated).
   */
  static List<String> drift(String committed, String generated) {
    List<String> was = committed.lines().toList();
    List<String> now = generated.lines().toList();
    List<String> out = new ArrayList<>();
    was.stream().filter(l -> !now.contains(l)).forEach(l -> out.add("- " + l));
    now.stream().filter(l -> !was.contains(l)).forEach(l -> out.add("+ " + l));
    if (out.isEmpty() && !was.equals(now)) {
      out.add("(same lines, different order)");
    }
    return out;
  }
}
