// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EnvMergerPropertiesTest {

  private final EnvMerger merger = new EnvMerger(EnvMerger.defaultVariables());

  @Provide
  Arbitrary<List<String>> environments() {
    Arbitrary<String> names =
        Arbitraries.oneOf(
            Arbitraries.of(
                "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "JAVA_TOOL_OPTIONS"),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8));
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(60),
            Arbitraries.of(
                "",
                "-Xmx1g",
                "-Djavax.net.ssl.trustStore=/a.jks",
                "-Djavax.net.ssl.trustStoreType=JKS"));
    Arbitrary<String> entries =
        Arbitraries.oneOf(
            Combinators.combine(names, values).as((n, v) -> n + "=" + v),
            Arbitraries.strings().all().ofMaxLength(20));
    return entries.list().ofMaxSize(12);
  }

  @Property(tries = 500)
  void neverOverwritesAndAlwaysProvidesEveryVariable(@ForAll("environments") List<String> env) {
    Map<String, String> before = EnvMerger.effectiveEnv(env);
    EnvMerge m = merger.merge(env);
    assertThat(m.changes()).hasSize(merger.desired().size());
    for (EnvVar want : merger.desired()) {
      String old = before.get(want.name());
      String set = m.toSet().get(want.name());
      if (old == null) {
        assertThat(set).isEqualTo(want.value());
      } else if (!want.name().equals(EnvMerger.JAVA_TOOL_OPTIONS)) {
        assertThat(set).isNull();
      } else if (set != null) {
        assertThat(set).endsWith(want.value());
        assertThat(set).startsWith(old.isBlank() ? want.value() : old + " ");
      }
    }
  }

  @Property(tries = 500)
  void mergingTheMergedEnvironmentAgainChangesNothing(@ForAll("environments") List<String> env) {
    List<String> after = new ArrayList<>();
    Map<String, String> set = merger.merge(env).toSet();
    for (String entry : env) {
      int eq = entry.indexOf('=');
      boolean replaced = eq > 0 && set.containsKey(entry.substring(0, eq));
      if (!replaced) {
        after.add(entry);
      }
    }
    set.forEach((k, v) -> after.add(k + "=" + v));
    EnvMerge again = merger.merge(after);
    assertThat(again.toSet()).isEmpty();
    assertThat(again.count(EnvChange.Action.KEPT)).isEqualTo(merger.desired().size());
  }
}
