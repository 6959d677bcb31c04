// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptInPolicyTest {

  private static final String ENABLED = "cainjekt.io/enabled";
  private final OptInPolicy policy =
      new OptInPolicy(
          new PolicyConfig(
              "cainjekt.io",
              PolicyConfig.DEFAULT_EXCLUDED_CONTAINERS,
              List.of("corp", "tenant-a")));

  private static PolicyInput input(
      Map<String, String> annotations, Map<String, String> labels, Map<String, String> ns) {
    return new PolicyInput(annotations, labels, Optional.of(ns), "app");
  }

  @Test
  void podAnnotationOptsInWithTheDefaultBundle() {
    Decision d = policy.decide(input(Map.of(ENABLED, "true"), Map.of(), Map.of()));
    assertThat(d.inject()).isTrue();
    assertThat(d.source()).isEqualTo(Decision.Source.POD_ANNOTATION);
    assertThat(d.reason()).isEqualTo(Decision.Reason.OPTED_IN);
    assertThat(d.bundle()).contains("corp");
    assertThat(d.processors()).isEqualTo(ProcessorSelection.ALL);
    assertThat(d.warnings()).isEmpty();
  }

  @Test
  void podLabelOptsIn() {
    Decision d = policy.decide(input(Map.of(), Map.of(ENABLED, "true"), Map.of()));
    assertThat(d.inject()).isTrue();
    assertThat(d.source()).isEqualTo(Decision.Source.POD_LABEL);
  }

  @Test
  void namespaceLabelOptsIn() {
    Decision d = policy.decide(input(Map.of(), Map.of(), Map.of(ENABLED, "true")));
    assertThat(d.inject()).isTrue();
    assertThat(d.source()).isEqualTo(Decision.Source.NAMESPACE_LABEL);
  }

  @Test
  void explicitFalseOnThePodWinsOverNamespaceOptIn() {
    Decision d = policy.decide(input(Map.of(ENABLED, "false"), Map.of(), Map.of(ENABLED, "true")));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.OPTED_OUT);
    assertThat(d.source()).isEqualTo(Decision.Source.POD_ANNOTATION);
    assertThat(d.bundle()).isEmpty();
  }

  @Test
  void explicitFalseOnTheNamespaceWinsOverPodOptIn() {
    Decision d = policy.decide(input(Map.of(ENABLED, "true"), Map.of(), Map.of(ENABLED, "false")));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.OPTED_OUT);
    assertThat(d.source()).isEqualTo(Decision.Source.NAMESPACE_LABEL);
  }

  @Test
  void podLabelFalseWinsOverPodAnnotationTrue() {
    Decision d = policy.decide(input(Map.of(ENABLED, "true"), Map.of(ENABLED, "false"), Map.of()));
    assertThat(d.reason()).isEqualTo(Decision.Reason.OPTED_OUT);
    assertThat(d.source()).isEqualTo(Decision.Source.POD_LABEL);
  }

  @Test
  void nothingSetIsNotOptedIn() {
    Decision d = policy.decide(input(Map.of("other/key", "x"), Map.of(), Map.of()));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.NOT_OPTED_IN);
    assertThat(d.source()).isEqualTo(Decision.Source.NONE);
  }

  @Test
  void unknownNamespaceWithoutPodOptInIsReportedAsUnknown() {
    Decision d = policy.decide(new PolicyInput(Map.of(), Map.of(), Optional.empty(), "app"));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.NAMESPACE_UNKNOWN);
  }

  @Test
  void podOptInIsHonouredWhileTheNamespaceIsUnknown() {
    Decision d =
        policy.decide(new PolicyInput(Map.of(ENABLED, "true"), Map.of(), Optional.empty(), "app"));
    assertThat(d.inject()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRUE ", " True", "true\n", "tRuE"})
  void caseAndSurroundingWhitespaceAreToleratedWithAWarning(String value) {
    Decision d = policy.decide(input(Map.of(ENABLED, value), Map.of(), Map.of()));
    assertThat(d.inject()).isTrue();
    assertThat(d.warnings()).singleElement().asString().contains("read as true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "1", "on", "", "  ", "truee", "t", "true,false", "\u0000true"})
  void invalidValueIsNeverAnOptInAndIsWarned(String value) {
    Decision d = policy.decide(input(Map.of(ENABLED, value), Map.of(), Map.of(ENABLED, "true")));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.INVALID_VALUE);
    assertThat(d.source()).isEqualTo(Decision.Source.POD_ANNOTATION);
    assertThat(d.warnings()).anySatisfy(w -> assertThat(w).contains("is invalid"));
  }

  @Test
  void defaultExcludedSidecarIsNotInjected() {
    Decision d =
        policy.decide(
            new PolicyInput(
                Map.of(ENABLED, "true"), Map.of(), Optional.of(Map.of()), "istio-proxy"));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.EXCLUDED_CONTAINER);
    assertThat(d.detail()).contains("default");
  }

  @Test
  void podExclusionListIsTrimmedAndSplitOnCommas() {
    Map<String, String> a =
        Map.of(ENABLED, "true", "cainjekt.io/exclude-containers", " log-shipper , ,app,");
    Decision d = policy.decide(input(a, Map.of(), Map.of()));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.EXCLUDED_CONTAINER);
    assertThat(d.detail()).contains("cainjekt.io/exclude-containers");
  }

  @Test
  void containerNotInTheExclusionListIsInjected() {
    Map<String, String> a = Map.of(ENABLED, "true", "cainjekt.io/exclude-containers", "sidecar");
    assertThat(policy.decide(input(a, Map.of(), Map.of())).inject()).isTrue();
  }

  @Test
  void configuredBundleIsSelected() {
    Map<String, String> a = Map.of(ENABLED, "true", "cainjekt.io/bundle", " tenant-a ");
    assertThat(policy.decide(input(a, Map.of(), Map.of())).bundle()).contains("tenant-a");
  }

  @Test
  void unknownBundleSkipsTheContainerAndNamesTheConfiguredOnes() {
    Map<String, String> a = Map.of(ENABLED, "true", "cainjekt.io/bundle", "tenant-b");
    Decision d = policy.decide(input(a, Map.of(), Map.of()));
    assertThat(d.inject()).isFalse();
    assertThat(d.reason()).isEqualTo(Decision.Reason.UNKNOWN_BUNDLE);
    assertThat(d.detail()).contains("tenant-b").contains("corp").contains("tenant-a");
  }

  @Test
  void blankBundleFallsBackToTheDefaultWithAWarning() {
    Map<String, String> a = Map.of(ENABLED, "true", "cainjekt.io/bundle", " ");
    Decision d = policy.decide(input(a, Map.of(), Map.of()));
    assertThat(d.bundle()).contains("corp");
    assertThat(d.warnings()).anySatisfy(w -> assertThat(w).contains("blank"));
  }

  @Test
  void processorListsAreParsedIntoASelection() {
    Map<String, String> a =
        Map.of(
            ENABLED,
            "true",
            "cainjekt.io/processors.include",
            "os-debian, java ,node",
            "cainjekt.io/processors.exclude",
            "node");
    ProcessorSelection p = policy.decide(input(a, Map.of(), Map.of())).processors();
    assertThat(p.include()).containsExactlyInAnyOrder("os-debian", "java", "node");
    assertThat(p.allows("java")).isTrue();
    assertThat(p.allows("node")).isFalse();
    assertThat(p.allows("python")).isFalse();
  }

  @Test
  void excludeOnlySelectionAllowsEverythingElse() {
    ProcessorSelection p = new ProcessorSelection(Set.of(), Set.of("java"));
    assertThat(p.allows("python")).isTrue();
    assertThat(p.allows("java")).isFalse();
  }

  @Test
  void customPrefixIsHonoured() {
    OptInPolicy custom =
        new OptInPolicy(new PolicyConfig("ca.example.com", Set.of(), List.of("default")));
    assertThat(
            custom
                .decide(input(Map.of("ca.example.com/enabled", "true"), Map.of(), Map.of()))
                .inject())
        .isTrue();
    assertThat(custom.decide(input(Map.of(ENABLED, "true"), Map.of(), Map.of())).inject())
        .isFalse();
  }

  @Test
  void invalidConfigurationIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> new PolicyConfig("Bad Prefix/", Set.of(), List.of("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Bad Prefix/");
    assertThatThrownBy(() -> new PolicyConfig("cainjekt.io", Set.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bundle");
    assertThatThrownBy(() -> new PolicyConfig("cainjekt.io", Set.of(), List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unique");
  }

  @Test
  void reasonLabelsAreStableSnakeCase() {
    assertThat(Decision.Reason.UNKNOWN_BUNDLE.label()).isEqualTo("unknown_bundle");
    assertThat(Decision.Reason.NAMESPACE_UNKNOWN.label()).isEqualTo("namespace_unknown");
  }
}
