// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NearMissKeysTest {

  private final NearMissKeys keys = new NearMissKeys("cainjekt.io");

  private List<String> annotationWarnings(String key) {
    return keys.check(new PolicyInput(Map.of(key, "true"), Map.of(), Optional.of(Map.of()), "c"));
  }

  @ParameterizedTest
  @CsvSource({
    "cainjekt.io/enable, cainjekt.io/enabled",
    "cainjekt.io/Enabled, cainjekt.io/enabled",
    "cainjekt.io/enabeld, cainjekt.io/enabled",
    "cainjekt.io/exclude-container, cainjekt.io/exclude-containers",
    "cainjekt.io/processor.include, cainjekt.io/processors.include",
    "cainjekt.io/Bundle, cainjekt.io/bundle",
    "Cainjekt.io/enabled, cainjekt.io/enabled",
    "cainject.io/enabled, cainjekt.io/enabled",
  })
  void typoIsReportedWithASuggestion(String typo, String suggestion) {
    assertThat(annotationWarnings(typo))
        .singleElement()
        .asString()
        .contains(typo)
        .contains("did you mean '" + suggestion + "'");
  }

  @Test
  void unrelatedKeyUnderThePrefixListsTheKnownKeys() {
    assertThat(annotationWarnings("cainjekt.io/whatever"))
        .singleElement()
        .asString()
        .contains("not a cainjekt key")
        .contains("bundle");
  }

  @Test
  void exactKeysAndForeignPrefixesAreSilent() {
    assertThat(annotationWarnings("cainjekt.io/enabled")).isEmpty();
    assertThat(annotationWarnings("kubernetes.io/enabled")).isEmpty();
    assertThat(annotationWarnings("enabled")).isEmpty();
  }

  @Test
  void annotationOnlyKeySetAsALabelIsReported() {
    List<String> w =
        keys.check(
            new PolicyInput(
                Map.of(), Map.of("cainjekt.io/bundle", "x"), Optional.of(Map.of()), "c"));
    assertThat(w).singleElement().asString().contains("pod label").contains("annotations only");
  }

  @Test
  void namespaceLabelTypoIsReported() {
    List<String> w =
        keys.check(
            new PolicyInput(
                Map.of(), Map.of(), Optional.of(Map.of("cainjekt.io/enable", "true")), "c"));
    assertThat(w).singleElement().asString().startsWith("namespace label");
  }

  @Test
  void warningsAreCappedSoAHostilePodCannotFloodTheLog() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      many.put("cainjekt.io/x" + i, "v");
    }
    List<String> w = keys.check(new PolicyInput(many, Map.of(), Optional.empty(), "c"));
    assertThat(w).hasSize(NearMissKeys.MAX_WARNINGS + 1);
    assertThat(w.getLast()).isEqualTo("90 more suspicious keys not shown");
  }

  @Test
  void controlCharactersAreEscapedAndLongTextIsCut() {
    assertThat(NearMissKeys.printable("a\nb\u202ec")).isEqualTo("a\\u000ab\\u202ec");
    assertThat(NearMissKeys.printable("x".repeat(1000))).endsWith("...(1000 chars)").hasSize(95);
  }

  @Test
  void distanceCountsTranspositionsAsOneEdit() {
    assertThat(NearMissKeys.distance("enabeld", "enabled")).isEqualTo(1);
    assertThat(NearMissKeys.distance("enable", "enabled")).isEqualTo(1);
    assertThat(NearMissKeys.distance("bundle", "enabled")).isEqualTo(NearMissKeys.MAX_DISTANCE + 1);
  }
}
