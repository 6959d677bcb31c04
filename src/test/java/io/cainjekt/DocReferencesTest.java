// SPDX-License-Identifier: Apache-2.0
package io.cainjekt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file a comment or page cites is in the repository, and so is every section it names: a
 * reference is a path ending in {@code .md}, optionally with a {@code #anchor}, or followed by
 * {@code , "Heading"} (and further {@code and "Heading"}), as in {@code docs/architecture.md, "Wire
 * facts"}. Paths resolve against the citing file's directory, then the repository root. Names of
 * design notes that were never in the repository fail outright.
 */
class DocReferencesTest {

  private static final Path REPO =
      Path.of(System.getProperty("cainjekt.basedir", ".")).toAbsolutePath().normalize();

  /** A path to a Markdown file, an optional anchor, and optional quoted headings after it. */
  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?<![\\w/.:\\[\"-])((?:\\.\\.?/)*(?:[\\w.-]+/)*[\\w.-]+\\.md)(?:#([\\w-]+))?"
              + "((?:,|\\s+and)\\s+\"[^\"\\n]+\")*");

  /** The files that can cite: code, scripts, chart templates and values, docs. */
  private static final Pattern TEXT =
      Pattern.compile(
          ".*\\.(java|md|hex|proto|sh|xml|txt|properties|yaml|yml|tpl|json|options|c)$|run|cainjekt|find-jdk");

  private static final Pattern HEADING_IN_REFERENCE = Pattern.compile("\"([^\"\\n]+)\"");

  /** Built in pieces so that this file does not cite them itself. */
  private static final Pattern NOT_IN_REPOSITORY =
      Pattern.compile(
          "\\b("
              + "DES"
              + "IGN(?:\\.md|\\s+sections?\\b|\\s*§)|"
              + "E2E-"
              + "NOTES|"
              + "STY"
              + "LE\\.md)");

  @Test
  void everyReferenceInTheRepositoryNamesAFileAndSectionThatExist() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path file : files()) {
      problems.addAll(problems(REPO, file));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aMissingFileAMissingSectionAndAnOldDesignNoteAreEachReported(@TempDir Path repo)
      throws IOException {
    Files.createDirectories(repo.resolve("docs"));
    Files.writeString(repo.resolve("docs/design.md"), "# Design\n\n## Wire facts\n\ntext\n");
    Path source = repo.resolve("Foo.java");
    Files.writeString(
        source,
        String.join(
            "\n",
            "/** Frames (docs/design.md, \"Wire facts\"), and docs/design.md#wire-facts. */",
            "/** Events (docs/design.md, \"The two",
            " * events\"). */",
            "/** Safety (docs/safety.md). */",
            "/** Staging (" + "DES" + "IGN section 6). */"));

    assertThat(problems(repo, source))
        .containsExactly(
            "Foo.java: cites " + "DES" + "IGN section, which is not in the repository",
            "Foo.java: cites docs/design.md, \"The two events\": no such heading there",
            "Foo.java: cites docs/safety.md, which is not in the repository");
  }

  @Test
  void anAnchorMustMatchAHeading(@TempDir Path repo) throws IOException {
    Files.writeString(repo.resolve("a.md"), "# A\n\n## Exact ownership\n");
    Path page =
        Files.writeString(repo.resolve("b.md"), "[x](a.md#exact-ownership) [y](a.md#gone)\n");

    assertThat(problems(repo, page))
        .containsExactly("b.md: cites a.md#gone: no such heading there");
  }

  static List<String> problems(Path repo, Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      return List.of(); // ignored: binary files cite nothing
    }
    // comments wrap: join continuation lines of Java, shell and Markdown text
    String joined = text.replaceAll("\\s*\\n\\s*(?:\\*(?!/)|//|#(?!#))?\\s*", " ");
    String name = repo.relativize(file).toString();
    Set<String> problems = new LinkedHashSet<>();
    Matcher old = NOT_IN_REPOSITORY.matcher(joined);
    while (old.find()) {
      problems.add(name + ": cites " + old.group(1).strip() + ", which is not in the repository");
    }
    Matcher m = REFERENCE.matcher(joined);
    while (m.find()) {
      String cited = m.group(1);
      if (cited.startsWith("target/") || isUrl(joined, m.start())) {
        continue;
      }
      Path target = resolve(repo, file, cited);
      if (target == null) {
        problems.add(name + ": cites " + cited + ", which is not in the repository");
        continue;
      }
      List<String> headings = headings(target);
      if (m.group(2) != null
          && headings.stream().map(DocReferencesTest::anchor).noneMatch(m.group(2)::equals)
          && !Files.readString(target).contains("<a id=\"" + m.group(2) + "\">")) {
        problems.add(name + ": cites " + cited + "#" + m.group(2) + ": no such heading there");
      }
      if (m.group(3) != null) {
        Matcher h = HEADING_IN_REFERENCE.matcher(m.group(3));
        while (h.find()) {
          if (!headings.contains(h.group(1))) {
            problems.add(
                name + ": cites " + cited + ", \"" + h.group(1) + "\": no such heading there");
          }
        }
      }
    }
    return List.copyOf(problems);
  }

  private static boolean isUrl(String text, int start) {
    int tokenStart = start;
    while (tokenStart > 0 && !Character.isWhitespace(text.charAt(tokenStart - 1))) {
      tokenStart--;
    }
    return text.substring(tokenStart, start).contains("://");
  }

  private static Path resolve(Path repo, Path file, String cited) {
    for (Path base : List.of(file.getParent(), repo)) {
      Path candidate = base.resolve(cited).normalize();
      if (candidate.startsWith(repo) && Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static List<String> headings(Path markdown) throws IOException {
    return Files.readAllLines(markdown, StandardCharsets.UTF_8).stream()
        .filter(line -> line.matches("#{1,6} .*"))
        .map(line -> line.replaceFirst("^#+\\s+", "").replaceFirst("\\s+#+\\s*$", "").strip())
        .toList();
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
  static String anchor(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  private static List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String root : List.of("src", "docs", "deploy", "e2e", "bench", "bin", ".ci")) {
      try (Stream<Path> walk = Files.walk(REPO.resolve(root))) {
        walk.filter(Files::isRegularFile)
            .filter(p -> !p.endsWith("DocReferencesTest.java"))
            .filter(p -> TEXT.matcher(p.getFileName().toString()).matches())
            .forEach(files::add);
      }
    }
    files.add(REPO.resolve("Dockerfile"));
    files.add(REPO.resolve("README.md"));
    files.add(REPO.resolve("CONTRIBUTING.md"));
    return files;
  }
}
