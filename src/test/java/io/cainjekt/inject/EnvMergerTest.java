// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvMergerTest {

  private static final String OPTS =
      "-Djavax.net.ssl.trustStore=/etc/cainjekt/truststore.p12"
          + " -Djavax.net.ssl.trustStoreType=PKCS12";
  private final EnvMerger merger = new EnvMerger(EnvMerger.defaultVariables());

  @Test
  void emptyEnvironmentGetsTheWholeTableOfDesignSection4() {
    EnvMerge m = merger.merge(List.of());
    assertThat(m.toSet())
        .containsExactly(
            Map.entry("SSL_CERT_FILE", "/etc/cainjekt/ca-bundle.pem"),
            Map.entry("REQUESTS_CA_BUNDLE", "/etc/cainjekt/ca-bundle.pem"),
            Map.entry("NODE_EXTRA_CA_CERTS", "/etc/cainjekt/custom-ca.pem"),
            Map.entry("JAVA_TOOL_OPTIONS", OPTS));
    assertThat(m.count(EnvChange.Action.ADDED)).isEqualTo(4);
  }

  @Test
  void variableTheContainerSetsIsNeverOverwrittenEvenWhenEmpty() {
    EnvMerge m = merger.merge(List.of("SSL_CERT_FILE=/own.pem", "NODE_EXTRA_CA_CERTS="));
    assertThat(m.toSet()).doesNotContainKeys("SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS");
    assertThat(m.changes())
        .filteredOn(c -> c.name().equals("SSL_CERT_FILE"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.action()).isEqualTo(EnvChange.Action.KEPT);
              assertThat(c.reason()).isEqualTo("already set by the container");
              assertThat(c.value()).isEmpty();
            });
  }

  @Test
  void javaToolOptionsIsAppendedWithASpace() {
    EnvMerge m = merger.merge(List.of("JAVA_TOOL_OPTIONS=-Xmx1g -Dfoo=a=b"));
    assertThat(m.toSet()).containsEntry("JAVA_TOOL_OPTIONS", "-Xmx1g -Dfoo=a=b " + OPTS);
    assertThat(m.count(EnvChange.Action.APPENDED)).isEqualTo(1);
  }

  @Test
  void blankJavaToolOptionsGetsOnlyOurOptions() {
    assertThat(merger.merge(List.of("JAVA_TOOL_OPTIONS=  ")).toSet())
        .containsEntry("JAVA_TOOL_OPTIONS", OPTS);
  }

  @Test
  void javaToolOptionsNamingATrustStoreIsKept() {
    EnvMerge m =
        merger.merge(List.of("JAVA_TOOL_OPTIONS=-Xss1m -Djavax.net.ssl.trustStore=/own.jks"));
    assertThat(m.toSet()).doesNotContainKey("JAVA_TOOL_OPTIONS");
    assertThat(m.changes().getLast().reason()).contains("trustStore");
  }

  @Test
  void trustStoreTypeOrPasswordAloneDoesNotCountAsNamingAStore() {
    EnvMerge m =
        merger.merge(List.of("JAVA_TOOL_OPTIONS=-Djavax.net.ssl.trustStorePassword=changeit"));
    assertThat(m.toSet().get("JAVA_TOOL_OPTIONS")).endsWith(OPTS);
  }

  @Test
  void firstOccurrenceOfADuplicateIsTheEffectiveValue() {
    EnvMerge m =
        merger.merge(List.of("JAVA_TOOL_OPTIONS=-Xmx1g", "JAVA_TOOL_OPTIONS=-Xmx2g", "A=1"));
    assertThat(m.toSet()).containsEntry("JAVA_TOOL_OPTIONS", "-Xmx1g " + OPTS);
    assertThat(m.duplicateNames()).containsExactly("JAVA_TOOL_OPTIONS");
    assertThat(EnvMerger.effectiveEnv(List.of("A=1", "A=2", "junk", "=x")))
        .containsExactly(Map.entry("A", "1"));
  }

  @Test
  void trustStoreInALaterDuplicateStillCounts() {
    EnvMerge m =
        merger.merge(
            List.of("JAVA_TOOL_OPTIONS=-Xmx1g", "JAVA_TOOL_OPTIONS=-Djavax.net.ssl.trustStore=/x"));
    assertThat(m.toSet()).doesNotContainKey("JAVA_TOOL_OPTIONS");
  }

  @Test
  void malformedEntriesAreReportedByPositionAndSkipped() {
    EnvMerge m = merger.merge(List.of("NOEQUALS", "=value", "SSL_CERT_FILE", "OK=1"));
    assertThat(m.malformedEntries()).containsExactly(0, 1, 2);
    assertThat(m.toSet()).containsKey("SSL_CERT_FILE");
  }

  @Test
  void configurableSetReplacesTheDefaults() {
    EnvMerger custom = new EnvMerger(List.of(new EnvVar("CURL_CA_BUNDLE", "/x.pem")));
    assertThat(custom.merge(List.of("SSL_CERT_FILE=/y")).toSet())
        .containsExactly(Map.entry("CURL_CA_BUNDLE", "/x.pem"));
  }

  @Test
  void badDesiredVariablesAreRejected() {
    assertThatThrownBy(() -> new EnvVar("A=B", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A=B");
    assertThatThrownBy(() -> new EnvVar("", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EnvVar("A", "x\0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EnvMerger(List.of(new EnvVar("A", "1"), new EnvVar("A", "2"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }
}
