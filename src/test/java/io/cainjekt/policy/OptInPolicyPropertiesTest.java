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

class OptInPolicyPropertiesTest {

  private static final String[] KEYS = {
    "cainjekt.io/enabled",
    "cainjekt.io/exclude-containers",
    "cainjekt.io/processors.include",
    "cainjekt.io/processors.exclude",
    "cainjekt.io/bundle",
    "cainjekt.io/enable",
  };

  private final OptInPolicy policy = new OptInPolicy(PolicyConfig.defaults());

  @Provide
  Arbitrary<String> hostileValues() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(50),
        Arbitraries.strings().withChars(',', ' ', '\t', 'a').ofMaxLength(5000),
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20).map(s -> s.repeat(20_000)),
        Arbitraries.of("true", "false", "TRUE ", "yes", "", "\uD83D\uDE00", "\uD800"));
  }

  @Provide
  Arbitrary<String> hostileKeys() {
    return Arbitraries.oneOf(
        Arbitraries.of(KEYS),
        Arbitraries.strings().all().ofMaxLength(400).map(s -> "cainjekt.io/" + s),
        Arbitraries.strings().all().ofMaxLength(400));
  }

  @Property(tries = 300)
  void anyAnnotationValueGivesAConsistentDecision(
      @ForAll("hostileKeys") String key,
      @ForAll("hostileValues") String value,
      @ForAll("hostileValues") String containerName) {
    Decision d =
        policy.decide(
            new PolicyInput(
                Map.of(key, value), Map.of(key, value), Optional.empty(), containerName));
    assertThat(d.inject()).isEqualTo(d.bundle().isPresent());
    assertThat(d.warnings()).hasSizeLessThanOrEqualTo(NearMissKeys.MAX_WARNINGS + 1);
    assertThat(d.detail().length()).isLessThan(1000);
    for (String w : d.warnings()) {
      assertThat(w.length()).isLessThan(1000);
      assertThat(w.chars().noneMatch(Character::isISOControl)).isTrue();
    }
  }

  @Property(tries = 200)
  void onlyAnExactTrueOrFalseIgnoringCaseAndSpaceDecidesOptIn(
      @ForAll("hostileValues") String value) {
    Decision d =
        policy.decide(
            new PolicyInput(
                Map.of("cainjekt.io/enabled", value), Map.of(), Optional.of(Map.of()), "app"));
    boolean isTrue = value.strip().equalsIgnoreCase("true");
    assertThat(d.inject()).isEqualTo(isTrue);
    if (!isTrue && !value.strip().equalsIgnoreCase("false")) {
      assertThat(d.reason()).isEqualTo(Decision.Reason.INVALID_VALUE);
    }
  }

  @Property(tries = 200)
  void explicitFalseAnywhereAlwaysWins(
      @ForAll("hostileValues") String annotation, @ForAll int level) {
    Map<String, String> off = Map.of("cainjekt.io/enabled", "false");
    Map<String, String> other = Map.of("cainjekt.io/enabled", annotation);
    int where = Math.floorMod(level, 3);
    Decision d =
        policy.decide(
            new PolicyInput(
                where == 0 ? off : other,
                where == 1 ? off : other,
                Optional.of(where == 2 ? off : other),
                "app"));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.OPTED_OUT);
  }
}
