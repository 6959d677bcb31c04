// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile annotation and label values and keys (huge, unicode, control and bidi characters,
 * near-miss keys, processors lists of thousands of entries): the decision is total, its detail and
 * warnings are bounded and safe for one log line, and an opt-in is only ever read from an exact
 * {@code true}. Runs 300 tries: each decides over three maps of hostile entries.
 */
class OptInPolicyFuzzTest {

  private static final int MAX_TEXT_CHARS = 800;
  private final OptInPolicy policy = new OptInPolicy(PolicyConfig.defaults());

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.oneOf(
        Arbitraries.of("true", "false", " TRUE\n", "true\u0000", "tru\u0435", "default", ""),
        Arbitraries.strings().all().ofMaxLength(300),
        Arbitraries.strings().withChars("a,\n\r\t \u0085\u2028\u202e\u009b\ud83d").ofMaxLength(300),
        Arbitraries.strings().withChars("x,").ofMinLength(600).ofMaxLength(4000));
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "cainjekt.io/enabled",
            "cainjekt.io/bundle",
            "cainjekt.io/exclude-containers",
            "cainjekt.io/processors.include",
            "cainjekt.io/processors.exclude",
            "cainjekt.io/enabIed",
            "Cainjekt.io/enabled",
            "cainjekt.io/Enabled\n",
            "cainject.io/bundle",
            "cainjekt.io/\u202eenabled"),
        Arbitraries.strings().all().ofMaxLength(40).map(s -> "cainjekt.io/" + s),
        Arbitraries.strings().all().ofMaxLength(40).map(s -> s + "/enabled"));
  }

  @Provide
  Arbitrary<Map<String, String>> maps() {
    return Arbitraries.maps(keys(), values()).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.oneOf(
        Arbitraries.of("app", "istio-proxy"), Arbitraries.strings().all().ofMaxLength(2000));
  }

  @Property(tries = 300)
  void decisionsAreTotalBoundedAndSafeToLog(
      @ForAll("maps") Map<String, String> annotations,
      @ForAll("maps") Map<String, String> labels,
      @ForAll("maps") Map<String, String> namespace,
      @ForAll boolean namespaceKnown,
      @ForAll("names") String container) {
    Decision d =
        policy.decide(
            new PolicyInput(
                annotations,
                labels,
                namespaceKnown ? Optional.of(namespace) : Optional.empty(),
                container));

    assertSafe(d.detail());
    assertThat(d.warnings()).hasSizeLessThanOrEqualTo(NearMissKeys.MAX_WARNINGS + 8);
    d.warnings().forEach(OptInPolicyFuzzTest::assertSafe);
    assertThat(d.processors().include().size() + d.processors().exclude().size())
        .isLessThanOrEqualTo(2 * OptInPolicy.MAX_LIST_ENTRIES);
    if (d.inject()) {
      String key = "cainjekt.io/enabled";
      assertThat(
              Optional.ofNullable(annotations.get(key))
                  .or(() -> Optional.ofNullable(labels.get(key)))
                  .or(() -> Optional.ofNullable(namespace.get(key)))
                  .map(v -> v.strip().toLowerCase(java.util.Locale.ROOT)))
          .contains("true");
    }
  }

  private static void assertSafe(String text) {
    assertThat(text.length()).as(text).isLessThanOrEqualTo(MAX_TEXT_CHARS);
    text.chars()
        .forEach(
            c ->
                assertThat(
                        Character.isISOControl(c)
                            || Character.isSurrogate((char) c)
                            || Character.getType(c) == Character.FORMAT
                            || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR)
                    .as("U+%04X in %s", c, text)
                    .isFalse());
  }
}
