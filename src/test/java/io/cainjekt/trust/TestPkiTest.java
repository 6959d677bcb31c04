// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TestPkiTest {

  private static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant NOT_AFTER = Instant.parse("2045-01-01T00:00:00Z");

  @Test
  void deterministicRootCaIsTheSameBytesForTheSameArguments() {
    TestPki.Issued first = TestPki.deterministicRootCa("bench ca 7", 7, NOT_BEFORE, NOT_AFTER);
    TestPki.Issued again = TestPki.deterministicRootCa("bench ca 7", 7, NOT_BEFORE, NOT_AFTER);
    TestPki.Issued other = TestPki.deterministicRootCa("bench ca 8", 8, NOT_BEFORE, NOT_AFTER);

    assertThat(again.der()).isEqualTo(first.der());
    assertThat(other.der()).isNotEqualTo(first.der());
    assertThat(first.certificate().getBasicConstraints()).isNotNegative();
  }
}
