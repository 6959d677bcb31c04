// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proof that {@link TrustStoreBuilder#pkcs12} output is a working Java truststore on other JDKs: a
 * 146-root store (145 public-like roots + Corp CA) is listed by each JDK's keytool and used by each
 * JDK, through {@code JAVA_TOOL_OPTIONS} exactly as docs/architecture.md, "What a container sees"
 * sets it, for a TLS handshake with a loopback server whose leaf Corp CA signed; a store without
 * Corp CA must fail. Timings go to {@code target/trust-timings.txt}.
 */
class TrustStoreJdkIT {

  private static final int ROOTS = 146;
  private static final Path JDK17 =
      Path.of(System.getProperty("cainjekt.jdk17", "/usr/lib/jvm/java-17-openjdk-amd64"));
  private static final Path JDK25 = Path.of(System.getProperty("java.home"));

  @TempDir static Path tmp;
  private static TestPki.Issued corp;
  private static TestPki.Issued leaf;
  private static Path store;
  private static Path storeWithoutCorp;
  private static Path macStore;
  private static Path probe;
  private static final List<String> timings = new ArrayList<>();

  @BeforeAll
  static void buildStores() throws Exception {
    corp = TestPki.rootCa("Corp Root CA");
    leaf = TestPki.leaf("localhost", corp);
    List<X509Certificate> roots = new ArrayList<>(cacerts(JDK25));
    while (roots.size() > ROOTS - 1) {
      roots.removeLast();
    }
    for (int i = roots.size(); i < ROOTS - 1; i++) {
      roots.add(TestPki.rootCa("Fake Public Root " + i).certificate());
    }
    storeWithoutCorp =
        Files.write(
            tmp.resolve("without-corp.p12"), TrustStoreBuilder.pkcs12(Cas.of(roots)).toByteArray());
    roots.add(corp.certificate());
    long[] nanos = new long[300];
    ByteString p12 = null;
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      p12 = TrustStoreBuilder.pkcs12(Cas.of(roots));
      nanos[i] = System.nanoTime() - start;
    }
    store = Files.write(tmp.resolve("truststore.p12"), p12.toByteArray());
    timings.add(
        "build "
            + ROOTS
            + " roots: first_us="
            + nanos[0] / 1000
            + " best_us="
            + Arrays.stream(nanos).min().orElseThrow() / 1000
            + " median_us="
            + median(nanos) / 1000
            + " bytes="
            + p12.size());
    macStore = tmp.resolve("with-mac.p12");
    KeyStore withMac = KeyStore.getInstance("PKCS12");
    withMac.load(null, null);
    for (X509Certificate c : roots) {
      withMac.setCertificateEntry(Fingerprint.of(c.getEncoded()).hex(), c);
    }
    try (var out = Files.newOutputStream(macStore)) {
      withMac.store(out, "changeit".toCharArray());
    }
    probe = tmp.resolve("TlsProbe.java");
    try (InputStream in = TrustStoreJdkIT.class.getResourceAsStream("/trust/TlsProbe.java")) {
      Files.write(probe, in.readAllBytes());
    }
  }

  static Stream<Path> jdks() {
    return Stream.of(JDK17, JDK25);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void keytoolListsEveryCertificateAsTrustedWithAnyPassword(Path jdk) throws Exception {
    for (String password : List.of("changeit", "some-other-password")) {
      String out =
          run(
              jdk,
              List.of(
                  jdk.resolve("bin/keytool").toString(),
                  "-list",
                  "-keystore",
                  store.toString(),
                  "-storetype",
                  "PKCS12",
                  "-storepass",
                  password),
              List.of());
      assertThat(out).contains("Your keystore contains " + ROOTS + " entries");
      assertThat(out.lines().filter(l -> l.contains("trustedCertEntry")).count()).isEqualTo(ROOTS);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void jvmTrustsCorpCaThroughJavaToolOptions(Path jdk) throws Exception {
    try (LoopbackTlsServer server = new LoopbackTlsServer(leaf, corp)) {
      String out =
          probe(
              jdk,
              store,
              server.port(),
              List.of(store.toString(), "-", macStore.toString(), "changeit"));
      assertThat(out).contains("store=truststore.p12 entries=" + ROOTS + " trusted=" + ROOTS);
      assertThat(out).contains("store=with-mac.p12 entries=" + ROOTS + " trusted=" + ROOTS);
      assertThat(out).contains("handshake=ok");
      out.lines()
          .filter(l -> l.startsWith("store="))
          .forEach(l -> timings.add(jdk.getFileName() + " " + l));
      String withPassword =
          probe(
              jdk,
              store,
              server.port(),
              List.of(store.toString(), "whatever"),
              "-Djavax.net.ssl.trustStorePassword=changeit");
      assertThat(withPassword).contains("trusted=" + ROOTS).contains("handshake=ok");
      writeTimings();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void jvmRejectsTheServerWhenCorpCaIsMissing(Path jdk) throws Exception {
    try (LoopbackTlsServer server = new LoopbackTlsServer(leaf, corp)) {
      String out = probe(jdk, storeWithoutCorp, server.port(), List.of());
      assertThat(out).contains("handshake=failed").contains("PKIX path building failed");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void readsEachJdksOwnCacerts(Path jdk) throws Exception {
    List<X509Certificate> certificates = cacerts(jdk);
    KeyStore reference = KeyStore.getInstance(KeyStore.getDefaultType());
    try (InputStream in = Files.newInputStream(jdk.resolve("lib/security/cacerts"))) {
      reference.load(in, "changeit".toCharArray());
    }
    assertThat(certificates).hasSize(reference.size()).hasSizeGreaterThan(100);
  }

  private static List<X509Certificate> cacerts(Path jdk) throws IOException {
    Path cacerts = jdk.resolve("lib/security/cacerts");
    return Cas.x509(
        TrustStoreBuilder.readKeyStore(cacerts.toString(), Files.readAllBytes(cacerts)));
  }

  @Test
  void jdk17IsInstalled() {
    assertThat(JDK17.resolve("bin/java")).as("JDK 17 for the cross-JDK proof").isExecutable();
  }

  private static String probe(
      Path jdk, Path trustStore, int port, List<String> stores, String... extra) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(jdk.resolve("bin/java").toString(), probe.toString(), Integer.toString(port)));
    command.addAll(stores);
    String toolOptions =
        "-Djavax.net.ssl.trustStore="
            + trustStore
            + " -Djavax.net.ssl.trustStoreType=PKCS12 "
            + String.join(" ", extra);
    return run(jdk, command, List.of("JAVA_TOOL_OPTIONS", toolOptions.strip()));
  }

  private static String run(Path jdk, List<String> command, List<String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", jdk.toString());
    for (int i = 0; i + 1 < env.size(); i += 2) {
      builder.environment().put(env.get(i), env.get(i + 1));
    }
    Process process = builder.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    process.getInputStream().transferTo(out);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("%s:%n%s", command, text).isZero();
    return text;
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void writeTimings() throws IOException {
    Path file = Path.of(System.getProperty("cainjekt.basedir", "."), "target", "trust-timings.txt");
    Files.createDirectories(file.getParent());
    Files.write(file, timings);
  }
}
