// SPDX-License-Identifier: Apache-2.0
package io.cainjekt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages for the people who run the plugin (README.md and docs/*.md, not docs/dev/) state what
 * holds now: no dates, no times of day, no commit ids, and the two pages an operator reads for one
 * answer stay short. Measurement logs belong in the files the benchmarks write.
 */
class OperatorDocsTest {

  private static final Path REPO =
      Path.of(System.getProperty("cainjekt.basedir", ".")).toAbsolutePath().normalize();

  /** A calendar date, a time of day in UTC, or a hexadecimal word with digits and letters. */
  private static final Pattern DATED =
      Pattern.compile(
          "\\b20\\d\\d-[01]\\d-[0-3]\\d\\b"
              + "|\\b[0-2]?\\d:[0-5]\\d(?::[0-5]\\d)?\\s*UTC\\b"
              + "|\\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\\d)[0-9a-f]{7,40}\\b");

  /** The size bounds, in bytes, of the pages that answer one question each. */
  private static final Map<String, Integer> MAX_BYTES =
      Map.of("docs/performance.md", 7_000, "docs/security.md", 10_500);

  @Test
  void operatorPagesCarryNoDateTimeOrCommitAndStayShort() throws IOException {
    assertThat(problems(REPO)).isEmpty();
  }

  @Test
  void aDateATimeACommitAndAnOversizedPageAreEachReported(@TempDir Path repo) throws IOException {
    Files.createDirectories(repo.resolve("docs/dev"));
    Files.writeString(repo.resolve("README.md"), "Measured 2026-11-28 with the code of 8a69435.\n");
    Files.writeString(repo.resolve("docs/security.md"), "Checked at 19:22 UTC.\n");
    Files.writeString(repo.resolve("docs/performance.md"), "x".repeat(7_001));
    Files.writeString(repo.resolve("docs/dev/notes.md"), "Measured 2026-11-28 at 19:22 UTC.\n");

    assertThat(problems(repo))
        .containsExactlyInAnyOrder(
            "README.md:1: 2026-11-28",
            "README.md:1: 8a69435",
            "docs/performance.md: 7001 bytes, at most 7000",
            "docs/security.md:1: 19:22 UTC");
  }

  private static List<String> problems(Path repo) throws IOException {
    List<Path> pages = new ArrayList<>(List.of(repo.resolve("README.md")));
    try (Stream<Path> docs = Files.list(repo.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> out = new ArrayList<>();
    for (Path page : pages) {
      String name = repo.relativize(page).toString();
      List<String> lines = Files.readAllLines(page);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = DATED.matcher(lines.get(i));
        while (m.find()) {
          out.add(name + ":" + (i + 1) + ": " + m.group());
        }
      }
      Integer max = MAX_BYTES.get(name);
      long size = Files.size(page);
      if (max != null && size > max) {
        out.add(name + ": " + size + " bytes, at most " + max);
      }
    }
    return out;
  }
}
