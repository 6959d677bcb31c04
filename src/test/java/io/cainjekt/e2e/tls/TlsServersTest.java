// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.e2e.tls.Pki.Ca;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsServersTest {

  private static TlsServers servers;

  @BeforeAll
  static void start() {
    servers = TlsServers.start();
  }

  @AfterAll
  static void stop() {
    servers.close();
  }

  @ParameterizedTest
  @EnumSource(Ca.class)
  void aClientTrustingTheRootGetsOkOverLoopback(Ca ca) throws Exception {
    HttpResponse<String> response =
        client(ca.root())
            .send(
                HttpRequest.newBuilder(servers.url(ca)).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(servers.url(ca).getHost()).isEqualTo("127.0.0.1");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
  }

  @ParameterizedTest
  @EnumSource(
      value = Ca.class,
      names = {"CORP_CA", "CORP_CA2", "CORP_ISSUING"})
  void aClientTrustingOnlyFakePublicRootIsRefused(Ca ca) throws Exception {
    HttpClient client = client(Ca.FAKE_PUBLIC_ROOT);

    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(servers.url(ca)).build(),
                    HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  private static HttpClient client(Ca root) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", Pki.certificates(Pki.caCertificate(root)).getFirst());
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }
}
