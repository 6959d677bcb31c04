// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fields of {@code /etc/os-release} we use (os-release(5)). Parsing never fails: garbage lines,
 * invalid UTF-8 and unknown keys are ignored, so a hostile file yields at worst an empty record.
 * The caller caps the size (docs/architecture.md, "Safety rules": 64 KiB).
 *
 * @param id lowercase {@code ID}, "" when absent
 * @param idLike lowercase {@code ID_LIKE} entries, in order
 * @param versionId {@code VERSION_ID}, "" when absent
 * @param prettyName {@code PRETTY_NAME}, "" when absent
 */
public record OsRelease(String id, List<String> idLike, String versionId, String prettyName) {

  /** Where os-release(5) says to look, in order. */
  public static final List<String> PATHS = List.of("/etc/os-release", "/usr/lib/os-release");

  /** Read cap for the file (docs/architecture.md, "Safety rules"). */
  public static final long MAX_BYTES = 64 << 10;

  private static final Pattern LINE = Pattern.compile("([A-Za-z0-9_]+)=(.*)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z0-9._-]{1,64}");
  private static final int MAX_FIELD_CHARS = 256;
  // C0 and C1 controls, format characters (bidi overrides, zero-width), line and paragraph
  // separators and lone surrogates: none of them belongs in a log line or the status document.
  private static final Pattern UNPRINTABLE =
      Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}]");

  public OsRelease {
    idLike = List.copyOf(idLike);
  }

  /** Parses the file content; never throws. */
  public static OsRelease parse(ByteString content) {
    Map<String, String> fields = new HashMap<>();
    for (String line : content.toStringUtf8().split("\n")) {
      var m = LINE.matcher(line.strip());
      if (m.matches()) {
        unquote(m.group(2).strip()).ifPresent(v -> fields.put(m.group(1), v));
      }
    }
    List<String> like =
        Arrays.stream(fields.getOrDefault("ID_LIKE", "").split("\\s+"))
            .map(OsRelease::identifier)
            .filter(s -> !s.isEmpty())
            .toList();
    return new OsRelease(
        identifier(fields.getOrDefault("ID", "")),
        like,
        clip(fields.getOrDefault("VERSION_ID", "")),
        clip(fields.getOrDefault("PRETTY_NAME", "")));
  }

  /** The ID followed by the ID_LIKE entries: the order in which distro families are matched. */
  public List<String> lineage() {
    return id.isEmpty() ? idLike : Stream.concat(Stream.of(id), idLike.stream()).toList();
  }

  private static String identifier(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return IDENTIFIER.matcher(lower).matches() ? lower : "";
  }

  /** Printable characters only, at most {@link #MAX_FIELD_CHARS} code points. */
  private static String clip(String value) {
    String printable = UNPRINTABLE.matcher(value).replaceAll("");
    return printable.codePointCount(0, printable.length()) > MAX_FIELD_CHARS
        ? printable.substring(0, printable.offsetByCodePoints(0, MAX_FIELD_CHARS))
        : printable;
  }

  /** Shell-style value: bare, "double" (with \ escapes) or 'single'; empty when malformed. */
  private static Optional<String> unquote(String raw) {
    if (raw.isEmpty()) {
      return Optional.of("");
    }
    char q = raw.charAt(0);
    if (q != '"' && q != '\'') {
      return raw.matches("[^\\s\"'`$\\\\]*") ? Optional.of(raw) : Optional.empty();
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == q) {
        return i == raw.length() - 1 ? Optional.of(out.toString()) : Optional.empty();
      }
      if (q == '"' && c == '\\' && i + 1 < raw.length()) {
        c = raw.charAt(++i);
      }
      out.append(c);
    }
    return Optional.empty();
  }
}
