// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelValuesTest {

  @Test
  void valuesAreLowerCasedAndReducedToASafeAlphabet() {
    LabelValues values = new LabelValues(10);
    assertThat(values.bound("Ubuntu")).isEqualTo("ubuntu");
    assertThat(values.bound("os \"x\"\n")).isEqualTo("os__x_");
    assertThat(values.bound("  ")).isEqualTo(LabelValues.EMPTY);
    assertThat(values.bound(null)).isEqualTo(LabelValues.EMPTY);
    assertThat(values.bound("a".repeat(100))).hasSize(LabelValues.MAX_LENGTH);
  }

  @Test
  void valuesBeyondTheLimitBecomeOther() {
    LabelValues values = new LabelValues(2);
    assertThat(values.bound("a")).isEqualTo("a");
    assertThat(values.bound("b")).isEqualTo("b");
    assertThat(values.bound("c")).isEqualTo(LabelValues.OVERFLOW);
    assertThat(values.bound("a")).isEqualTo("a");
  }

  @Test
  void aNonPositiveLimitIsRefused() {
    assertThatThrownBy(() -> new LabelValues(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxValues");
  }
}
