// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.cainjekt.trust.TestPki;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiConfigTest {

  private static final TestPki.Issued CA = TestPki.rootCa("cainjekt-test-ca");
  private static final Map<String, String> POD_ENV =
      Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443");

  @TempDir Path dir;

  // --- in-cluster ---

  @Test
  void inClusterUsesTheServiceAddressTheCaAndTheToken() throws IOException {
    Path sa = serviceAccount("t0k3n\n");
    ApiConfig config = ApiConfig.inCluster(POD_ENV, sa);
    assertThat(config.server()).isEqualTo(URI.create("https://10.96.0.1:443"));
    assertThat(config.bearerToken().get()).contains("t0k3n");
    assertThat(config.tls().getProtocol()).isEqualTo("TLS");
  }

  @Test
  void inClusterBracketsAnIpv6Host() throws IOException {
    Path sa = serviceAccount("t");
    Map<String, String> env =
        Map.of("KUBERNETES_SERVICE_HOST", "fd00::1", "KUBERNETES_SERVICE_PORT", "6443");
    ApiConfig config = ApiConfig.inCluster(env, sa);
    assertThat(config.server()).isEqualTo(URI.create("https://[fd00::1]:6443"));
    assertThat(config.server().getPort()).isEqualTo(6443);
  }

  @Test
  void inClusterTrustsEveryCertificateOfCaCrt() throws IOException {
    TestPki.Issued other = TestPki.rootCa("other-ca");
    Path sa = serviceAccount("t");
    Files.writeString(sa.resolve("ca.crt"), CA.pem() + other.pem());
    ApiConfig config = ApiConfig.inCluster(POD_ENV, sa);
    assertThat(ApiConfig.certificates(Files.readAllBytes(sa.resolve("ca.crt")), "x")).hasSize(2);
    assertThat(config.tls()).isNotNull();
  }

  @Test
  void aRotatedTokenIsReadOnTheNextRequest() throws IOException {
    Path sa = serviceAccount("first-token");
    ApiConfig config = ApiConfig.inCluster(POD_ENV, sa);
    assertThat(config.bearerToken().get()).contains("first-token");

    Files.writeString(sa.resolve("token"), "  second-token-longer\n");
    assertThat(config.bearerToken().get()).contains("second-token-longer");

    Path token = sa.resolve("token");
    FileTime before = Files.getLastModifiedTime(token);
    Files.writeString(token, "third--token-longer");
    Files.setLastModifiedTime(token, FileTime.from(before.toInstant().plusSeconds(60)));
    assertThat(config.bearerToken().get()).contains("third--token-longer");
  }

  @Test
  void anUnchangedFileIsAnsweredFromTheLastRead() throws IOException {
    Path sa = serviceAccount("aaaa");
    Path token = sa.resolve("token");
    ApiConfig config = ApiConfig.inCluster(POD_ENV, sa);
    FileTime stamp = Files.getLastModifiedTime(token);
    Files.writeString(token, "bbbb"); // same size, same inode
    Files.setLastModifiedTime(token, stamp);
    assertThat(config.bearerToken().get()).contains("aaaa");
  }

  @Test
  void aTokenFileMissingAtRequestTimeYieldsNoTokenUntilItIsBack() throws IOException {
    Path sa = serviceAccount("t1");
    ApiConfig config = ApiConfig.inCluster(POD_ENV, sa);
    Files.delete(sa.resolve("token"));
    assertThat(config.bearerToken().get()).isEmpty();
    Files.writeString(sa.resolve("token"), "t2");
    assertThat(config.bearerToken().get()).contains("t2");
  }

  @Test
  void inClusterOutsideAPodNamesTheMissingVariable() throws IOException {
    Path sa = serviceAccount("t");
    assertThatThrownBy(() -> ApiConfig.inCluster(Map.of(), sa))
        .isInstanceOf(IOException.class)
        .hasMessage("not in a pod: KUBERNETES_SERVICE_HOST is not set");
    assertThatThrownBy(
            () -> ApiConfig.inCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), sa))
        .hasMessage("not in a pod: KUBERNETES_SERVICE_PORT is not set");
  }

  @Test
  void inClusterWithoutATokenFileFails() throws IOException {
    Path sa = serviceAccount("t");
    Files.delete(sa.resolve("token"));
    assertThatThrownBy(() -> ApiConfig.inCluster(POD_ENV, sa))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("token file " + sa.resolve("token"));
  }

  @Test
  void inClusterWithoutCaCrtFails() throws IOException {
    Path sa = serviceAccount("t");
    Files.delete(sa.resolve("ca.crt"));
    assertThatThrownBy(() -> ApiConfig.inCluster(POD_ENV, sa))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("service account CA " + sa.resolve("ca.crt"));
  }

  // --- kubeconfig: credentials and trust ---

  @Test
  void aKubeconfigTokenIsSentAsIs() throws IOException {
    Path file =
        kubeconfig(
            "server: https://api.example:6443\ncertificate-authority-data: " + base64(CA.pem()),
            "token: static-token");
    ApiConfig config = ApiConfig.fromKubeconfig(file);
    assertThat(config.server()).isEqualTo(URI.create("https://api.example:6443"));
    assertThat(config.bearerToken().get()).contains("static-token");
  }

  @Test
  void aRelativeTokenFileIsReadBesideTheKubeconfigAndReReadWhenItChanges() throws IOException {
    Files.writeString(dir.resolve("token"), "from-file\n");
    ApiConfig config =
        ApiConfig.fromKubeconfig(kubeconfig("server: http://127.0.0.1:8080", "tokenFile: token"));
    assertThat(config.bearerToken().get()).contains("from-file");
    Files.writeString(dir.resolve("token"), "rotated-from-file");
    assertThat(config.bearerToken().get()).contains("rotated-from-file");
  }

  @Test
  void aRelativeCertificateAuthorityIsReadBesideTheKubeconfig() throws Exception {
    TestPki.Issued serverCert = TestPki.leaf("127.0.0.1", CA);
    TestPki.Issued client = TestPki.leaf("client", CA);
    Files.createDirectories(dir.resolve("pki"));
    Files.writeString(dir.resolve("pki/ca.crt"), CA.pem());
    try (TlsServer server = new TlsServer(serverCert)) {
      Path file =
          kubeconfig(
              "server: " + server.uri() + "\ncertificate-authority: pki/ca.crt",
              clientCertificate(client.pem(), client.privateKeyPem()));
      assertThat(server.get(ApiConfig.fromKubeconfig(file))).isEqualTo(200);
    }
  }

  @Test
  void aMissingCertificateAuthorityFileIsNamedResolved() throws IOException {
    Path file = kubeconfig("server: https://a:1\ncertificate-authority: nope.crt", "token: t");
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("kubeconfig " + file)
        .hasMessageContaining("certificate-authority " + dir.toAbsolutePath().resolve("nope.crt"));
  }

  @Test
  void aJsonKubeconfigIsRead() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(
        file,
        """
        {"apiVersion":"v1","kind":"Config","current-context":"c",
         "contexts":[{"name":"c","context":{"cluster":"k","user":"u"}}],
         "clusters":[{"name":"k","cluster":{"server":"http://127.0.0.1:8001"}}],
         "users":[{"name":"u","user":{"token":"json-token"}}]}
        """);
    ApiConfig config = ApiConfig.fromKubeconfig(file);
    assertThat(config.server()).isEqualTo(URI.create("http://127.0.0.1:8001"));
    assertThat(config.bearerToken().get()).contains("json-token");
  }

  /** The encodings of client keys found in kubeconfig files. */
  enum KeyFormat {
    PKCS8_EC_P256,
    PKCS8_RSA,
    PKCS1_RSA,
    SEC1_EC_P256,
    SEC1_EC_P384,
    SEC1_AFTER_EC_PARAMETERS
  }

  @ParameterizedTest
  @EnumSource(KeyFormat.class)
  void aClientCertificateCompletesAMutualTlsHandshake(KeyFormat format) throws Exception {
    TestPki.Issued serverCert = TestPki.leaf("127.0.0.1", CA);
    ClientKey client = clientKey(format);
    try (TlsServer server = new TlsServer(serverCert)) {
      Path file =
          kubeconfig(
              "server: " + server.uri() + "\ncertificate-authority-data: " + base64(CA.pem()),
              clientCertificate(client.certificatePem(), client.keyPem()) + "\ntoken: t0k3n");
      assertThat(server.get(ApiConfig.fromKubeconfig(file))).isEqualTo(200);
      assertThat(server.authorization.get()).isEqualTo("Bearer t0k3n");
      assertThat(server.clientSubject.get()).isEqualTo("CN=client-" + format);
    }
  }

  @Test
  void aCaThatDidNotSignTheServerFailsTheHandshake() throws Exception {
    TestPki.Issued stranger = TestPki.rootCa("stranger-ca");
    TestPki.Issued client = TestPki.leaf("client", CA);
    try (TlsServer server = new TlsServer(TestPki.leaf("127.0.0.1", CA))) {
      Path file =
          kubeconfig(
              "server: " + server.uri() + "\ncertificate-authority-data: " + base64(stranger.pem()),
              clientCertificate(client.pem(), client.privateKeyPem()));
      ApiConfig config = ApiConfig.fromKubeconfig(file);
      assertThatThrownBy(() -> server.get(config)).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void aServerRequiringClientCertificatesRefusesATokenOnlyConfig() throws Exception {
    try (TlsServer server = new TlsServer(TestPki.leaf("127.0.0.1", CA))) {
      Path file =
          kubeconfig(
              "server: " + server.uri() + "\ncertificate-authority-data: " + base64(CA.pem()),
              "token: t");
      ApiConfig config = ApiConfig.fromKubeconfig(file);
      assertThatThrownBy(() -> server.get(config)).isInstanceOf(IOException.class);
      assertThat(server.authorization.get()).isNull();
    }
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() throws IOException {
    TestPki.Issued client = TestPki.leaf("client", CA);
    TestPki.Issued other = TestPki.leaf("other", CA);
    Path file =
        kubeconfig("server: https://a:1", clientCertificate(client.pem(), other.privateKeyPem()));
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("kubeconfig " + file)
        .hasMessageContaining("does not belong to the client certificate");
  }

  @Test
  void aCertificateWithoutKeyIsRefused() throws IOException {
    Path file =
        kubeconfig(
            "server: https://a:1",
            "client-certificate-data: " + base64(TestPki.leaf("c", CA).pem()));
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .hasMessageContaining("user \"u1\" needs both client-certificate and client-key");
  }

  // --- kubeconfig: refusals ---

  @ParameterizedTest
  @ValueSource(strings = {"exec", "auth-provider", "username", "password"})
  void unsupportedAuthIsRefusedNamingFileAndUser(String field) throws IOException {
    Path file = kubeconfig("server: https://a:1", field + ": {}");
    if (!field.equals("exec") && !field.equals("auth-provider")) {
      file = kubeconfig("server: https://a:1", field + ": secret-value");
    }
    Path kubeconfig = file;
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(kubeconfig))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "kubeconfig "
                + kubeconfig
                + ": user \"u1\" uses "
                + field
                + ", which cainjekt does not support; use a token or client certificate")
        .hasMessageNotContaining("secret-value");
  }

  @Test
  void insecureSkipTlsVerifyIsRefused() throws IOException {
    Path file = kubeconfig("server: https://a:1\ninsecure-skip-tls-verify: true", "token: t");
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("kubeconfig " + file + ": cluster \"c1\"")
        .hasMessageContaining("insecure-skip-tls-verify, which cainjekt does not support");
  }

  @Test
  void aMissingContextClusterOrUserIsNamed() throws IOException {
    Path file = dir.resolve("config");
    Files.writeString(file, "current-context: nowhere\ncontexts: []\n");
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .hasMessage("kubeconfig " + file + ": context \"nowhere\" is not in contexts");

    Files.writeString(
        file, "current-context: c\ncontexts:\n- name: c\n  context: {cluster: gone, user: u}\n");
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .hasMessage("kubeconfig " + file + ": cluster \"gone\" is not in clusters");

    Files.writeString(
        file,
        """
        current-context: c
        contexts: [{name: c, context: {cluster: k, user: gone}}]
        clusters: [{name: k, cluster: {server: "https://a:1"}}]
        """);
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .hasMessage("kubeconfig " + file + ": user \"gone\" is not in users");

    Files.writeString(file, "apiVersion: v1\n");
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .hasMessage("kubeconfig " + file + ": current-context is not set");
  }

  @Test
  void malformedYamlNamesTheFileButNotTheLine() throws IOException {
    Path file = dir.resolve("config");
    Files.writeString(
        file, "current-context: c\nusers:\n- name: u\n  user: {token: sup3r: s3cret\n");
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("kubeconfig " + file + ": malformed YAML at line ")
        .hasMessageNotContaining("s3cret")
        .hasNoCause();
  }

  @Test
  void aServerOtherThanHttpOrHttpsIsRefused() throws IOException {
    Path file = kubeconfig("server: ftp://api.example", "token: t");
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not an http or https URI with a host");
    assertThatThrownBy(() -> ApiConfig.of(URI.create("unix:/run/api.sock")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofHasNoToken() {
    ApiConfig config = ApiConfig.of(URI.create("http://127.0.0.1:8080"));
    assertThat(config.bearerToken().get()).isEmpty();
  }

  @Test
  void aMissingKubeconfigNamesTheFile() {
    Path file = dir.resolve("absent");
    assertThatThrownBy(() -> ApiConfig.fromKubeconfig(file))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot read kubeconfig " + file);
  }

  // --- fixtures ---

  private Path serviceAccount(String token) throws IOException {
    Path sa = Files.createDirectories(dir.resolve("serviceaccount"));
    Files.writeString(sa.resolve("token"), token);
    Files.writeString(sa.resolve("ca.crt"), CA.pem());
    return sa;
  }

  /** A kubeconfig in {@link #dir} whose current context uses cluster c1 and user u1. */
  private Path kubeconfig(String cluster, String user) throws IOException {
    Path file = dir.resolve("config");
    Files.writeString(
        file,
        "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
            + "contexts:\n- name: dev\n  context: {cluster: c1, user: u1}\n"
            + "clusters:\n- name: c1\n  cluster:\n"
            + cluster.indent(4)
            + "users:\n- name: u1\n  user:\n"
            + user.indent(4));
    return file;
  }

  private static String clientCertificate(String certificatePem, String keyPem) {
    return "client-certificate-data: "
        + base64(certificatePem)
        + "\nclient-key-data: "
        + base64(keyPem);
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private record ClientKey(String certificatePem, String keyPem) {}

  private static ClientKey clientKey(KeyFormat format) throws Exception {
    KeyPair keys =
        switch (format) {
          case PKCS8_RSA, PKCS1_RSA -> keyPair("RSA", null);
          case SEC1_EC_P384 -> keyPair("EC", "secp384r1");
          default -> keyPair("EC", "secp256r1");
        };
    X509Certificate certificate = clientCertificate(keys, "CN=client-" + format);
    byte[] pkcs8 = keys.getPrivate().getEncoded();
    String keyPem =
        switch (format) {
          case PKCS8_EC_P256, PKCS8_RSA -> pem("PRIVATE KEY", pkcs8);
          case PKCS1_RSA -> pem("RSA PRIVATE KEY", pkcs1(pkcs8));
          case SEC1_EC_P256, SEC1_EC_P384 -> pem("EC PRIVATE KEY", sec1(keys));
          case SEC1_AFTER_EC_PARAMETERS ->
              pem("EC PARAMETERS", curve(keys).toASN1Primitive().getEncoded())
                  + pem("EC PRIVATE KEY", sec1(keys));
        };
    return new ClientKey(pem("CERTIFICATE", certificate.getEncoded()), keyPem);
  }

  /** RSAPrivateKey (PKCS#1): the PrivateKeyInfo wrapper stripped. */
  private static byte[] pkcs1(byte[] pkcs8) throws IOException {
    return PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey().toASN1Primitive().getEncoded();
  }

  /** ECPrivateKey (SEC1) as OpenSSL writes it: with the curve [0] and the public key [1]. */
  private static byte[] sec1(KeyPair keys) throws IOException {
    ECPrivateKey key = (ECPrivateKey) keys.getPrivate();
    return new org.bouncycastle.asn1.sec.ECPrivateKey(
            key.getParams().getOrder().bitLength(),
            key.getS(),
            SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(),
            curve(keys))
        .getEncoded();
  }

  private static ASN1Encodable curve(KeyPair keys) {
    return PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded())
        .getPrivateKeyAlgorithm()
        .getParameters();
  }

  private static KeyPair keyPair(String algorithm, String curve) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (curve == null) {
      generator.initialize(2048);
    } else {
      generator.initialize(new ECGenParameterSpec(curve));
    }
    return generator.generateKeyPair();
  }

  /** A client certificate for {@code keys} signed by {@link #CA}. */
  private static X509Certificate clientCertificate(KeyPair keys, String subject) throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            CA.certificate().getSubjectX500Principal(),
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            new X500Principal(subject),
            keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(CA.keys().getPrivate())));
  }

  /**
   * An HTTPS server on 127.0.0.1 presenting {@code leaf} and requiring a client certificate signed
   * by {@link #CA}; it records what it saw and answers 200.
   */
  private static final class TlsServer implements AutoCloseable {
    final AtomicReference<String> authorization = new AtomicReference<>();
    final AtomicReference<String> clientSubject = new AtomicReference<>();
    private final HttpsServer server;

    TlsServer(TestPki.Issued leaf) throws Exception {
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(
          new HttpsConfigurator(serverContext(leaf)) {
            @Override
            public void configure(HttpsParameters params) {
              SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
              parameters.setNeedClientAuth(true);
              params.setSSLParameters(parameters);
            }
          });
      server.createContext(
          "/",
          exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            var session = ((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession();
            clientSubject.set(
                ((X509Certificate) session.getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
          });
      server.start();
    }

    URI uri() {
      return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    /** GET /version with {@code config}'s TLS context and token; the status code. */
    int get(ApiConfig config) throws IOException, InterruptedException {
      try (HttpClient client =
          HttpClient.newBuilder()
              .sslContext(config.tls())
              .connectTimeout(Duration.ofSeconds(10))
              .build()) {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(config.server().resolve("/version"))
                .timeout(Duration.ofSeconds(10));
        Optional<String> token = config.bearerToken().get();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      }
    }

    private static SSLContext serverContext(TestPki.Issued leaf) throws Exception {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", CA.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(leaf.keyManagers(CA), tmf.getTrustManagers(), null);
      return context;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
