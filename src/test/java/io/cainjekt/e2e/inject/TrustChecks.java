// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.RunningPod;
import io.cainjekt.e2e.compat.CompatRecord;
import io.cainjekt.e2e.compat.CompatResults;
import io.cainjekt.e2e.tls.Client;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.cainjekt.e2e.tls.TlsCheck;
import io.cainjekt.e2e.tls.TlsServers;
import io.cainjekt.e2e.tls.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs tls-check inside a container and asserts what each client trusts. */
public final class TrustChecks {

  static final Duration TLS_CHECK_TIMEOUT = Duration.ofMinutes(3);

  private TrustChecks() {}

  /**
   * Variables that point clients at /etc/cainjekt; unsetting them leaves only the image's OS trust
   * store (OpenSSL's defaults and hashed directory, certifi's bundle, the JRE's cacerts), which
   * proves that store itself was rewritten.
   */
  static final List<String> WITHOUT_CAINJEKT_ENV =
      List.of(
          "env",
          "-u",
          "SSL_CERT_FILE",
          "-u",
          "REQUESTS_CA_BUNDLE",
          "-u",
          "NODE_EXTRA_CA_CERTS",
          "-u",
          "JAVA_TOOL_OPTIONS");

  /** The verdict of each of {@code clients} for the server whose leaf {@code ca} signed. */
  static Map<Client, Verdict> verdicts(
      RunningPod pod, TlsServers servers, Ca ca, Set<Client> clients, List<String> prefix) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(TlsCheck.command(servers.url(ca), clients));
    String out = pod.execOk(TLS_CHECK_TIMEOUT, cmd.toArray(String[]::new));
    return TlsCheck.verdicts(out);
  }

  /** Asserts that every one of {@code clients} reaches {@code expected} for {@code ca}. */
  public static void assertEvery(
      RunningPod pod, TlsServers servers, Ca ca, Set<Client> clients, Verdict expected) {
    assertEvery(pod, servers, ca, clients, expected, List.of());
  }

  /** The same, with the OS trust store alone (the cainjekt variables unset). */
  public static void assertOsStore(
      RunningPod pod, TlsServers servers, Ca ca, Set<Client> clients, Verdict expected) {
    assertEvery(pod, servers, ca, clients, expected, WITHOUT_CAINJEKT_ENV);
  }

  private static void assertEvery(
      RunningPod pod,
      TlsServers servers,
      Ca ca,
      Set<Client> clients,
      Verdict expected,
      List<String> prefix) {
    Map<Client, Verdict> verdicts = verdicts(pod, servers, ca, clients, prefix);
    record(pod, ca, prefix.equals(WITHOUT_CAINJEKT_ENV), expected, verdicts);
    assertThat(verdicts)
        .as("verdicts for a %s-signed server in %s %s", ca, pod.pod().name(), prefix)
        .containsOnlyKeys(clients)
        .allSatisfy((client, verdict) -> assertThat(verdict).as(client.id()).isEqualTo(expected));
  }

  /** Appends each verdict to the compatibility results (before asserting: failures show too). */
  private static void record(
      RunningPod pod, Ca ca, boolean osStoreOnly, Verdict expected, Map<Client, Verdict> verdicts) {
    String release = CompatResults.release();
    String image = imageName(pod.image());
    verdicts.forEach(
        (client, verdict) ->
            CompatResults.append(
                new CompatRecord(
                    release,
                    image,
                    client.id(),
                    ca.name(),
                    osStoreOnly,
                    expected.name(),
                    verdict.name())));
  }

  /** The first base64 line of the CA's PEM certificate: finds a copy of it in a PEM file. */
  static String pemBody(Ca ca) {
    return new String(Pki.bytes(Pki.caCertificate(ca)), StandardCharsets.US_ASCII)
        .lines()
        .filter(l -> !l.startsWith("-----"))
        .findFirst()
        .orElseThrow();
  }

  /** {@code localhost/cainjekt-e2e/debian-tls:abc} is {@code debian-tls}. */
  static String imageName(String reference) {
    String last = reference.substring(reference.lastIndexOf('/') + 1);
    int tag = last.indexOf(':');
    return tag < 0 ? last : last.substring(0, tag);
  }
}
