// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReadinessTest {

  private final Readiness readiness = new Readiness();

  @Test
  void withoutConditionsItIsNotReady() {
    assertThat(readiness.status().ready()).isFalse();
    assertThat(readiness.status().failing()).containsExactly("no readiness conditions registered");
  }

  @Test
  void readyOnlyWhenEveryConditionHolds() {
    Readiness.Condition a = readiness.condition("a", "a not yet");
    Readiness.Condition b = readiness.condition("b", "b not yet");
    assertThat(readiness.status().failing()).containsExactly("a: a not yet", "b: b not yet");

    a.pass();
    b.set(true, "unused");
    assertThat(readiness.status().ready()).isTrue();

    b.set(false, "b lost");
    assertThat(readiness.status().ready()).isFalse();
    assertThat(readiness.status().failing()).containsExactly("b: b lost");
    assertThat(a.holds()).isTrue();
    assertThat(b.holds()).isFalse();
  }

  @Test
  void aNameCanBeRegisteredOnce() {
    readiness.condition("a", "x");
    assertThatThrownBy(() -> readiness.condition("a", "y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a already registered");
  }
}
