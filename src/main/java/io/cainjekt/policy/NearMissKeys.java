// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds annotation and label keys that look like a cainjekt key but are not one: a typo in the name
 * ({@code cainjekt.io/enable}, {@code cainjekt.io/Enabled}, {@code cainjekt.io/exclude-container}),
 * a typo or case change in the prefix ({@code Cainjekt.io/enabled}, {@code cainject.io/enabled}),
 * or an annotation-only key set as a label. Pure and thread-safe.
 *
 * <p>Similarity is the Damerau-Levenshtein (optimal string alignment) distance after lowercasing,
 * at most {@value #MAX_DISTANCE}. Keys longer than {@value #MAX_COMPARED_CHARS} characters are
 * never compared (Kubernetes keys are at most 317), so huge keys cost nothing.
 */
final class NearMissKeys {

  static final Set<String> ANNOTATION_NAMES =
      Set.of(
          OptInPolicy.ENABLED,
          OptInPolicy.EXCLUDE_CONTAINERS,
          OptInPolicy.PROCESSORS_INCLUDE,
          OptInPolicy.PROCESSORS_EXCLUDE,
          OptInPolicy.BUNDLE);
  static final Set<String> LABEL_NAMES = Set.of(OptInPolicy.ENABLED);

  static final int MAX_DISTANCE = 2;
  static final int MAX_COMPARED_CHARS = 320;
  static final int MAX_WARNINGS = 10;
  static final int MAX_SHOWN_CHARS = 80;

  private final String prefix;

  NearMissKeys(String prefix) {
    this.prefix = prefix;
  }

  /** Warnings for every suspicious key, in a stable order, at most {@value #MAX_WARNINGS}. */
  List<String> check(PolicyInput input) {
    List<String> out = new ArrayList<>();
    scan("pod annotation", input.podAnnotations(), ANNOTATION_NAMES, out);
    scan("pod label", input.podLabels(), LABEL_NAMES, out);
    scan("namespace label", input.namespaceLabels().orElse(Map.of()), LABEL_NAMES, out);
    if (out.size() > MAX_WARNINGS) {
      int more = out.size() - MAX_WARNINGS;
      out = new ArrayList<>(out.subList(0, MAX_WARNINGS));
      out.add(more + " more suspicious keys not shown");
    }
    return out;
  }

  private void scan(String kind, Map<String, String> map, Set<String> known, List<String> out) {
    map.keySet().stream().sorted().forEach(key -> checkKey(kind, key, known).ifPresent(out::add));
  }

  private Optional<String> checkKey(String kind, String key, Set<String> known) {
    int slash = key.indexOf('/');
    if (slash < 0 || key.length() > MAX_COMPARED_CHARS) {
      return Optional.empty();
    }
    String keyPrefix = key.substring(0, slash);
    String name = key.substring(slash + 1);
    if (keyPrefix.equals(prefix)) {
      return checkName(kind, key, name, known);
    }
    if (distance(keyPrefix.toLowerCase(Locale.ROOT), prefix) <= MAX_DISTANCE) {
      Optional<String> suggested = nearest(name, known);
      return Optional.of(
          kind
              + " '"
              + printable(key)
              + "' is ignored: its prefix is not '"
              + prefix
              + "'"
              + suggested.map(n -> "; did you mean '" + prefix + "/" + n + "'?").orElse(""));
    }
    return Optional.empty();
  }

  private Optional<String> checkName(String kind, String key, String name, Set<String> known) {
    if (known.contains(name)) {
      return Optional.empty();
    }
    if (ANNOTATION_NAMES.contains(name)) {
      return Optional.of(
          kind + " '" + printable(key) + "' is ignored: it is read from pod annotations only");
    }
    String hint =
        nearest(name, known)
            .map(n -> "did you mean '" + prefix + "/" + n + "'?")
            .orElse("known keys: " + known.stream().sorted().toList());
    return Optional.of(kind + " '" + printable(key) + "' is not a cainjekt key; " + hint);
  }

  private static Optional<String> nearest(String name, Set<String> known) {
    String lower = name.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (String candidate : known.stream().sorted().toList()) {
      int d = distance(lower, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Optimal string alignment distance, capped: returns MAX_DISTANCE + 1 as soon as it is over. */
  static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > MAX_DISTANCE) {
      return MAX_DISTANCE + 1;
    }
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return Math.min(d[a.length()][b.length()], MAX_DISTANCE + 1);
  }

  /** A user-supplied string made safe for one log line: escaped controls, bounded length. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    int limit = Math.min(s.length(), MAX_SHOWN_CHARS);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)
          || Character.isSurrogate(c)
          || Character.getType(c) == Character.FORMAT
          || Character.getType(c) == Character.LINE_SEPARATOR
          || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > limit) {
      b.append("...(").append(s.length()).append(" chars)");
    }
    return b.toString();
  }
}
