// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.ExecResult;
import io.cainjekt.e2e.images.Chroot;
import io.cainjekt.e2e.images.TestImage;
import io.cainjekt.e2e.images.TestImages;
import io.cainjekt.e2e.tls.Pki.Ca;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Baseline of the test images without containerd or cainjekt: tls-check runs in each image rootfs
 * through {@link Chroot} against {@link TlsServers}. Builds the images through e2e/images/build.sh
 * (cached), so a fresh CI machine builds them here.
 */
class ImageBaselineChrootIT {

  private static final Duration LIMIT = Duration.ofMinutes(2);
  private static final Set<Client> OS_STORE_READERS =
      EnumSet.of(
          Client.CURL, Client.OPENSSL, Client.PYTHON_URLLIB, Client.PYTHON_REQUESTS, Client.NODE);

  private static Map<String, TestImage> images;
  private static TlsServers servers;

  @BeforeAll
  static void buildImagesAndStartServers() throws Exception {
    Path repo = Path.of(System.getProperty("cainjekt.basedir", ".")).toAbsolutePath();
    images = TestImages.build(repo, TestImages.ALL, false);
    servers = TlsServers.start();
  }

  @AfterAll
  static void stopServers() {
    if (servers != null) {
      servers.close();
    }
  }

  @Test
  void everyClientInDebianTlsTrustsFakePublicRootAndRejectsCorpCa() throws Exception {
    Chroot debian = Chroot.of(images.get("debian-tls").rootfs());
    Set<Client> all = EnumSet.allOf(Client.class);
    assertVerdicts(tlsCheck(debian, Ca.FAKE_PUBLIC_ROOT, all), all, Verdict.TRUSTED);
    assertVerdicts(tlsCheck(debian, Ca.CORP_CA, all), all, Verdict.UNTRUSTED);
    assertVerdicts(tlsCheck(debian, Ca.CORP_ISSUING, all), all, Verdict.UNTRUSTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rhel-tls", "alpine-tls", "suse-tls", "arch-tls"})
  void osLevelClientsOfEachVariantTrustFakePublicRootAndRejectCorpCa(String image)
      throws Exception {
    Chroot variant = Chroot.of(images.get(image).rootfs());
    assertVerdicts(
        tlsCheck(variant, Ca.FAKE_PUBLIC_ROOT, Client.OS_LEVEL), Client.OS_LEVEL, Verdict.TRUSTED);
    assertVerdicts(
        tlsCheck(variant, Ca.CORP_CA, Client.OS_LEVEL), Client.OS_LEVEL, Verdict.UNTRUSTED);
  }

  static Stream<Arguments> familyBundles() {
    return Stream.of(
        Arguments.of("rhel-tls", List.of("/etc/pki/tls/certs/ca-bundle.crt")),
        Arguments.of(
            "alpine-tls", List.of("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem")),
        Arguments.of("suse-tls", List.of("/etc/ssl/ca-bundle.pem")),
        Arguments.of("arch-tls", List.of("/etc/ssl/certs/ca-certificates.crt")));
  }

  @ParameterizedTest
  @MethodSource("familyBundles")
  void corpCaAppendedToTheFamilyBundlesIsTrustedByEveryOsStoreReader(
      String image, List<String> bundles) throws Exception {
    String append =
        bundles.stream()
            .map(bundle -> "cat /mnt/corp-ca.crt >> " + bundle)
            .collect(Collectors.joining("\n"));
    Chroot injected =
        Chroot.of(images.get(image).rootfs()).withShare(Pki.directory()).withSetup(append);
    assertVerdicts(
        tlsCheck(injected, Ca.CORP_CA, OS_STORE_READERS), OS_STORE_READERS, Verdict.TRUSTED);
    assertVerdicts(
        tlsCheck(injected, Ca.CORP_ISSUING, Client.OS_LEVEL), Client.OS_LEVEL, Verdict.TRUSTED);
  }

  static Stream<Arguments> debianPathOnly() {
    return Stream.of(
        Arguments.of("rhel-tls", OS_STORE_READERS),
        Arguments.of("suse-tls", OS_STORE_READERS),
        Arguments.of("alpine-tls", EnumSet.of(Client.OPENSSL, Client.PYTHON_URLLIB, Client.NODE)));
  }

  @ParameterizedTest
  @MethodSource("debianPathOnly")
  void corpCaWrittenOnlyToDebiansBundlePathStaysUntrustedWhereTheFamilyReadsElsewhere(
      String image, Set<Client> stillRejecting) throws Exception {
    String debianOnly =
        "mkdir -p /etc/ssl/certs && cat /mnt/corp-ca.crt >> /etc/ssl/certs/ca-certificates.crt";
    Chroot misplaced =
        Chroot.of(images.get(image).rootfs()).withShare(Pki.directory()).withSetup(debianOnly);
    assertVerdicts(
        tlsCheck(misplaced, Ca.CORP_CA, stillRejecting), stillRejecting, Verdict.UNTRUSTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"debian-tls", "rhel-tls", "alpine-tls", "suse-tls", "arch-tls"})
  void everyClientFollowsTheTrustEnvironmentOfDesignSection4(String image, @TempDir Path share)
      throws Exception {
    Files.copy(Pki.caCertificate(Ca.CORP_CA), share.resolve("custom-ca.pem"));
    writeTrustStore(Pki.caCertificate(Ca.CORP_CA), share.resolve("truststore.p12"));
    Map<String, String> env =
        Map.of(
            "SSL_CERT_FILE", "/mnt/custom-ca.pem",
            "REQUESTS_CA_BUNDLE", "/mnt/custom-ca.pem",
            "NODE_EXTRA_CA_CERTS", "/mnt/custom-ca.pem",
            "JAVA_TOOL_OPTIONS",
                "-Djavax.net.ssl.trustStore=/mnt/truststore.p12"
                    + " -Djavax.net.ssl.trustStoreType=PKCS12");
    Chroot chroot = Chroot.of(images.get(image).rootfs()).withShare(share);
    Set<Client> all = EnumSet.allOf(Client.class);

    assertVerdicts(tlsCheck(chroot, Ca.CORP_CA, all, env), all, Verdict.TRUSTED);
  }

  /**
   * A PKCS12 truststore as docs/architecture.md, "What a container sees" describes: no password, no
   * MAC, plain certificates.
   */
  private static void writeTrustStore(Path certificate, Path out) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("corp-ca", Pki.certificates(certificate).getFirst());
    try (OutputStream stream = Files.newOutputStream(out)) {
      store.store(stream, null);
    }
  }

  private static Map<Client, ClientResult> tlsCheck(Chroot chroot, Ca ca, Set<Client> clients)
      throws Exception {
    return tlsCheck(chroot, ca, clients, Map.of());
  }

  private static Map<Client, ClientResult> tlsCheck(
      Chroot chroot, Ca ca, Set<Client> clients, Map<String, String> env) throws Exception {
    ExecResult result = chroot.exec(TlsCheck.command(servers.url(ca), clients), env, LIMIT);
    assertThat(result.exitCode()).as("tls-check exit, stderr: %s", result.stderr()).isZero();
    return TlsCheck.parse(result.stdout());
  }

  private static void assertVerdicts(
      Map<Client, ClientResult> results, Set<Client> clients, Verdict expected) {
    assertThat(TlsCheck.mismatches(results, clients, expected))
        .as("clients whose verdict is not %s", expected)
        .isEmpty();
  }
}
