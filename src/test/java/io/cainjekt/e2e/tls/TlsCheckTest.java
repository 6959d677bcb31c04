// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TlsCheckTest {

  private static final String OUTPUT =
      """
      client=curl verdict=trusted detail=exit=0
      client=openssl verdict=untrusted detail=verify error:num=20:unable to get local issuer certificate
      client=python-requests verdict=error detail=python3 not installed
      noise from a shell
      client=node verdict=untrusted detail=UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate
      """;

  @Test
  void parsesEveryResultLineAndKeepsTheDetailToTheEndOfTheLine() {
    Map<Client, ClientResult> results = TlsCheck.parse(OUTPUT);

    assertThat(results)
        .containsOnlyKeys(Client.CURL, Client.OPENSSL, Client.PYTHON_REQUESTS, Client.NODE);
    assertThat(results.get(Client.OPENSSL))
        .isEqualTo(
            new ClientResult(
                Client.OPENSSL,
                Verdict.UNTRUSTED,
                "verify error:num=20:unable to get local issuer certificate"));
    assertThat(TlsCheck.verdicts(OUTPUT))
        .containsEntry(Client.CURL, Verdict.TRUSTED)
        .containsEntry(Client.PYTHON_REQUESTS, Verdict.ERROR);
  }

  @Test
  void mismatchesNameWrongVerdictsAndMissingClients() {
    Map<Client, ClientResult> results = TlsCheck.parse(OUTPUT);

    assertThat(
            TlsCheck.mismatches(
                results, EnumSet.of(Client.CURL, Client.OPENSSL, Client.JAVA), Verdict.TRUSTED))
        .extracting(ClientResult::client)
        .containsExactly(Client.OPENSSL, Client.JAVA);
  }

  @Test
  void aClientReportedTwiceIsRejected() {
    String twice = "client=curl verdict=trusted detail=a\nclient=curl verdict=untrusted detail=b\n";

    assertThatThrownBy(() -> TlsCheck.parse(twice))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("curl twice");
  }

  @Test
  void anUnknownClientIsRejected() {
    assertThatThrownBy(() -> TlsCheck.parse("client=wget verdict=trusted detail=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wget");
  }

  @Test
  void commandListsTheChosenClientsInEnumOrder() {
    URI url = URI.create("https://127.0.0.1:8443/");

    assertThat(TlsCheck.command(url, Set.of(Client.PYTHON_URLLIB, Client.CURL)))
        .containsExactly(TlsCheck.PATH, "--only", "curl,python-urllib", "https://127.0.0.1:8443/");
    assertThat(TlsCheck.command(url)).containsExactly(TlsCheck.PATH, "https://127.0.0.1:8443/");
  }
}
