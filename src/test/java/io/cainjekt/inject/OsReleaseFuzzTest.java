// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * os-release parsing of hostile files: arbitrary bytes (NUL, invalid UTF-8), every quoting style
 * with escapes, unicode, C0/C1 controls, bidi and line-separator characters, giant lines. The
 * parser never throws, identifiers stay identifiers, and free-text fields stay bounded and
 * printable (they end up in logs and in the status document). Scale with {@code
 * -Djqwik.tries.default=N}.
 */
class OsReleaseFuzzTest {

  static void assertSane(OsRelease r) {
    assertThat(r.id()).matches("[a-z0-9._-]{0,64}");
    assertThat(r.idLike()).allSatisfy(l -> assertThat(l).matches("[a-z0-9._-]{1,64}"));
    for (String text : new String[] {r.versionId(), r.prettyName()}) {
      assertThat(text.codePointCount(0, text.length())).isLessThanOrEqualTo(256);
      text.codePoints()
          .forEach(
              c ->
                  assertThat(Character.getType(c))
                      .as("U+%04X in %s", c, text)
                      .isNotIn(
                          (int) Character.CONTROL,
                          (int) Character.FORMAT,
                          (int) Character.LINE_SEPARATOR,
                          (int) Character.PARAGRAPH_SEPARATOR,
                          (int) Character.SURROGATE));
    }
  }

  @Provide
  Arbitrary<String> hostileText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(400),
        Arbitraries.strings().withCharRange('\u0000', '\u00a0').ofMaxLength(400),
        Arbitraries.strings()
            .withChars("\"'\\$` \t\u0085\u009b\u202e\u2028\u200b\ud83d\ude00a=\u0000")
            .ofMaxLength(400));
  }

  @Provide
  Arbitrary<String> files() {
    Arbitrary<String> key =
        Arbitraries.of("ID", "ID_LIKE", "VERSION_ID", "PRETTY_NAME", "NAME", "id", "ID ", " ID");
    Arbitrary<String> quote = Arbitraries.of("", "\"", "'");
    Arbitrary<String> line =
        Combinators.combine(key, quote, hostileText(), quote)
            .as((k, q1, v, q2) -> k + "=" + q1 + v + q2);
    return line.list().ofMaxSize(12).map(lines -> String.join("\n", lines));
  }

  @Property
  void hostileFilesParseToSaneFields(@ForAll("files") String file) {
    assertSane(OsRelease.parse(ByteString.copyFromUtf8(file)));
  }

  @Property
  void arbitraryBytesParseToSaneFields(@ForAll @Size(max = 2000) byte[] content) {
    assertSane(OsRelease.parse(ByteString.copyFrom(content)));
  }

  @Property
  void aDoubleQuotedValueWithEscapesReadsBackUnchanged(@ForAll("printable") String value) {
    String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"");
    OsRelease r = OsRelease.parse(ByteString.copyFromUtf8("PRETTY_NAME=\"" + escaped + "\"\n"));
    assertThat(r.prettyName()).isEqualTo(value);
  }

  @Provide
  Arbitrary<String> printable() {
    return Arbitraries.strings()
        .all()
        .ofMaxLength(200)
        .map(
            v ->
                v.codePoints()
                    .filter(
                        cp ->
                            !Character.isISOControl(cp)
                                && Character.getType(cp) != Character.FORMAT
                                && Character.getType(cp) != Character.LINE_SEPARATOR
                                && Character.getType(cp) != Character.PARAGRAPH_SEPARATOR
                                && Character.getType(cp) != Character.SURROGATE)
                    .collect(
                        StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                    .toString()
                    .strip());
  }

  @Test
  void c1ControlsAndBidiOverridesAreDroppedFromThePrettyName() {
    OsRelease r =
        OsRelease.parse(
            ByteString.copyFromUtf8("PRETTY_NAME=\"Debian\u009b31m \u202eevil\u200b\"\n"));
    assertThat(r.prettyName()).isEqualTo("Debian31m evil");
  }

  @Test
  void aLongPrettyNameIsNotCutInsideASurrogatePair() {
    String value = "a" + "\ud83d\ude00".repeat(300);
    OsRelease r = OsRelease.parse(ByteString.copyFromUtf8("PRETTY_NAME=\"" + value + "\""));
    assertSane(r);
    assertThat(r.prettyName()).startsWith("a\ud83d\ude00").endsWith("\ud83d\ude00");
  }

  @Test
  void aGiantLineAndNulBytesStillYieldTheOtherFields() {
    String file = "X=" + "x".repeat(60_000) + "\nID=debian\u0000\nID=alpine\nVERSION_ID=\"3.20\"\n";
    OsRelease r = OsRelease.parse(ByteString.copyFromUtf8(file));
    assertSane(r);
    assertThat(r.id()).isEqualTo("alpine");
    assertThat(r.versionId()).isEqualTo("3.20");
  }
}
