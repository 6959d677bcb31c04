// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapabilitiesTest {

  /** A /proc/self/status excerpt as the kernel writes it. */
  private static String status(String uid, String capEff) {
    return String.join(
        "\n",
        "Name:\tjava",
        "Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid,
        "Gid:\t0\t0\t0\t0",
        "CapInh:\t0000000000000000",
        "CapPrm:\t" + capEff,
        "CapEff:\t" + capEff,
        "CapBnd:\t" + capEff,
        "");
  }

  @Test
  void exactlyTheThreeDocumentedCapabilitiesPass() throws IOException {
    // CHOWN (bit 0) + DAC_OVERRIDE (bit 1) + SYS_PTRACE (bit 19)
    assertThat(Capabilities.missing(status("0", "0000000000080003"))).isEmpty();
  }

  @Test
  void fullRootPasses() throws IOException {
    assertThat(Capabilities.missing(status("0", "000001ffffffffff"))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "0000000000000003, CAP_SYS_PTRACE, open /proc/<pid>/root",
    "0000000000080001, CAP_DAC_OVERRIDE, write trust stores",
    "0000000000080002, CAP_CHOWN, give a rewritten trust store"
  })
  void aMissingCapabilityIsNamedAloneWithWhatNeedsIt(String capEff, String name, String neededTo)
      throws IOException {
    assertThat(Capabilities.missing(status("0", capEff)))
        .hasValueSatisfying(
            m -> {
              assertThat(m).startsWith("missing capability " + name + ": needed to " + neededTo);
              assertThat(m.split("missing capability", -1)).hasSize(2);
            });
  }

  @Test
  void everyMissingCapabilityIsListed() throws IOException {
    assertThat(Capabilities.missing(status("0", "0000000000000000")))
        .hasValueSatisfying(
            m -> assertThat(m).contains("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_SYS_PTRACE"));
  }

  @Test
  void nonRootIsNotChecked() throws IOException {
    assertThat(Capabilities.missing(status("1000", "0000000000000000"))).isEmpty();
  }

  @Test
  void unreadableStatusIsAClearError() {
    assertThatThrownBy(() -> Capabilities.missing("Name:\tjava\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no Uid line");
    assertThatThrownBy(() -> Capabilities.missing(status("0", "zz")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CapEff");
  }
}
