// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile container environments: huge values, {@code =} in odd places, unicode and control
 * characters, NUL, duplicates of our own names. The merge never throws, never overrides a value the
 * container set (first occurrence), appends only to {@code JAVA_TOOL_OPTIONS}, and reports
 * malformed entries by index exactly. Scale with {@code -Djqwik.tries.default=N}.
 */
class EnvMergerFuzzTest {

  private static final EnvMerger MERGER = new EnvMerger(EnvMerger.defaultVariables());

  @Provide
  Arbitrary<List<String>> envs() {
    Arbitrary<String> name =
        Arbitraries.oneOf(
            Arbitraries.of(
                "SSL_CERT_FILE",
                "JAVA_TOOL_OPTIONS",
                "NODE_EXTRA_CA_CERTS",
                "REQUESTS_CA_BUNDLE",
                "",
                "SSL_CERT_FILE ",
                "ssl_cert_file"),
            Arbitraries.strings().all().ofMaxLength(20));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of("", "=", "-Djavax.net.ssl.trustStore=/x", "a\u0000b", "\n"),
            Arbitraries.strings().all().ofMaxLength(200),
            Arbitraries.strings().withChars("=x ").ofMinLength(1000).ofMaxLength(20_000));
    Arbitrary<String> entry =
        Arbitraries.oneOf(
            net.jqwik.api.Combinators.combine(name, value).as((n, v) -> n + "=" + v),
            Arbitraries.strings().all().ofMaxLength(50));
    return entry.list().ofMaxSize(16);
  }

  @Property
  void mergingAHostileEnvironmentFollowsTheRules(@ForAll("envs") List<String> env) {
    EnvMerge merge = MERGER.merge(env);

    Map<String, String> effective = EnvMerger.effectiveEnv(env);
    List<Integer> malformed = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    Set<String> duplicates = new LinkedHashSet<>();
    for (int i = 0; i < env.size(); i++) {
      int eq = env.get(i).indexOf('=');
      if (eq <= 0) {
        malformed.add(i);
      } else if (!seen.add(env.get(i).substring(0, eq))) {
        duplicates.add(env.get(i).substring(0, eq));
      }
    }
    assertThat(merge.malformedEntries()).isEqualTo(malformed);
    assertThat(merge.duplicateNames()).containsExactlyElementsOf(duplicates);
    assertThat(merge.changes()).hasSameSizeAs(MERGER.desired());
    for (int i = 0; i < merge.changes().size(); i++) {
      EnvChange c = merge.changes().get(i);
      EnvVar want = MERGER.desired().get(i);
      String existing = effective.get(want.name());
      assertThat(c.name()).isEqualTo(want.name());
      switch (c.action()) {
        case ADDED -> {
          assertThat(existing).isNull();
          assertThat(c.value()).contains(want.value());
        }
        case KEPT -> assertThat(existing).isNotNull();
        case APPENDED -> {
          assertThat(want.name()).isEqualTo(EnvMerger.JAVA_TOOL_OPTIONS);
          assertThat(c.value().orElseThrow())
              .startsWith(existing.strip().isEmpty() ? "" : existing)
              .endsWith(want.value());
        }
      }
    }
  }
}
