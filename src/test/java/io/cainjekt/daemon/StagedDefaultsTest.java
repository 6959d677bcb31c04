// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.Staging;
import io.cainjekt.trust.LoadedBundle;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StagedDefaultsTest {

  /**
   * The golden file was written by the string concatenation that built the staged status.json
   * before Jackson did: the bytes did not change with the writer.
   */
  @Test
  void stagedStatusMatchesTheGolden() throws IOException {
    PemBundle nodeRoots =
        PemBundle.parseStrict(
            "roots",
            (new String(Pki.bytes("fake-public-root.crt"))
                    + new String(Pki.bytes("public-root-2.crt")))
                .getBytes());
    PemBundle cas = PemBundle.parseStrict("corp-ca.pem", Pki.bytes("corp-ca.crt"));
    StagedDefaults defaults = new StagedDefaults(nodeRoots);

    ByteString status =
        defaults
            .files(new LoadedBundle("corp \"eu\" \\ west", cas, Instant.EPOCH))
            .get(Staging.STATUS);

    try (InputStream in = getClass().getResourceAsStream("/json/staged-status.json")) {
      assertThat(status.toStringUtf8()).isEqualTo(new String(in.readAllBytes()));
    }
  }
}
