// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict enough parser of the Prometheus text format (0.0.4) and OpenMetrics for tests: every
 * non-comment line must be {@code name{labels} value}, every comment {@code # HELP|TYPE|UNIT|EOF}.
 */
final class Exposition {

  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})?"
              + " (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9.]+)?");
  private static final Pattern COMMENT =
      Pattern.compile("# (HELP|TYPE|UNIT) [a-zA-Z_:][a-zA-Z0-9_:]* ?.*|# EOF");

  final Map<String, Double> samples = new LinkedHashMap<>();
  final Map<String, String> types = new LinkedHashMap<>();

  static Exposition parse(String text) {
    Exposition exposition = new Exposition();
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.startsWith("#")) {
        if (!COMMENT.matcher(line).matches()) {
          throw new IllegalArgumentException("line " + lineNo + " is a bad comment: " + line);
        }
        if (line.startsWith("# TYPE ")) {
          String[] parts = line.split(" ");
          exposition.types.put(parts[2], parts[3]);
        }
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("line " + lineNo + " is not a sample: " + line);
      }
      String key = m.group(1) + (m.group(2) == null ? "" : m.group(2));
      exposition.samples.put(key, Double.parseDouble(m.group(3).replace("+Inf", "Infinity")));
    }
    return exposition;
  }

  /** The value of a sample, e.g. {@code cainjekt_skips_total{reason="opt_out"}}, or 0. */
  double value(String key) {
    return samples.getOrDefault(key, 0.0);
  }
}
