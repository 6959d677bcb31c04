// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustBundlesTest {

  private static final TestPki.Issued CORP = TestPki.rootCa("Corp Root CA");
  private static final TestPki.Issued CORP2 = TestPki.rootCa("Corp Root CA 2");
  private static final TestPki.Issued TENANT = TestPki.rootCa("Tenant CA");
  private static final Map<Integer, String> BULK = new ConcurrentHashMap<>();

  @TempDir Path tmp;
  private ConfigMapDir configMap;
  private Path tenantFile;

  @BeforeEach
  void setUp() throws IOException {
    configMap = new ConfigMapDir(Files.createDirectories(tmp.resolve("cm")));
    configMap.publish(Map.of("ca.pem", CORP.pem(), "readme.txt", "ignored"));
    tenantFile =
        Files.writeString(tmp.resolve("tenant.crt"), TENANT.pem(), StandardCharsets.US_ASCII);
  }

  private TrustBundles open(Duration poll) throws TrustBundleException {
    return TrustBundles.open(sources(), poll);
  }

  private TrustBundles open(BundleLimits limits) throws TrustBundleException {
    return TrustBundles.open(sources(), limits, Duration.ZERO);
  }

  private List<NamedSource> sources() {
    return List.of(
        new NamedSource("corp", configMap.path()), new NamedSource("tenant", tenantFile));
  }

  @Test
  void firstSourceIsTheDefaultAndDirectoriesReadOnlyPemAndCrtFiles() throws Exception {
    try (TrustBundles bundles = open(Duration.ZERO)) {
      assertThat(bundles.names()).containsExactly("corp", "tenant");
      assertThat(bundles.defaultBundle().name()).isEqualTo("corp");
      assertThat(bundles.defaultBundle().bundle().certificates())
          .extracting(CaCertificate::subject)
          .containsExactly("CN=Corp Root CA");
      assertThat(bundles.get("tenant").orElseThrow().bundle().size()).isEqualTo(1);
      assertThat(bundles.get("nope")).isEmpty();
    }
  }

  @Test
  void configMapSwapIsPickedUpByReloadAndListenersAreTold() throws Exception {
    try (TrustBundles bundles = open(Duration.ZERO)) {
      List<LoadedBundle> seen = new CopyOnWriteArrayList<>();
      bundles.addListener(seen::add);
      assertThat(bundles.reload()).isZero();
      configMap.publish(Map.of("ca.pem", CORP.pem(), "ca2.crt", CORP2.pem()));
      assertThat(bundles.reload()).isEqualTo(1);
      assertThat(seen)
          .singleElement()
          .satisfies(
              b -> {
                assertThat(b.name()).isEqualTo("corp");
                assertThat(b.bundle().size()).isEqualTo(2);
              });
      assertThat(bundles.defaultBundle().bundle().size()).isEqualTo(2);
    }
  }

  @Test
  void sameCertificatesInNewBytesAreNoChange() throws Exception {
    try (TrustBundles bundles = open(Duration.ZERO)) {
      configMap.publish(Map.of("ca.pem", "# comment added\n" + CORP.pem()));
      assertThat(bundles.reload()).isZero();
    }
  }

  @Test
  void brokenUpdateKeepsTheLastGoodBundleAndReportsOnce() throws Exception {
    try (TrustBundles bundles = open(Duration.ZERO)) {
      List<String> errors = new CopyOnWriteArrayList<>();
      bundles.addErrorListener((name, e) -> errors.add(name + ": " + e.getMessage()));
      LoadedBundle good = bundles.defaultBundle();
      configMap.publish(Map.of("ca.pem", CORP2.pem() + CORP2.privateKeyPem()));
      assertThat(bundles.reload()).isZero();
      assertThat(bundles.reload()).isZero();
      assertThat(bundles.defaultBundle()).isSameAs(good);
      assertThat(bundles.lastError("corp"))
          .get()
          .extracting(Throwable::getMessage)
          .asString()
          .contains("ca.pem")
          .contains("PEM block 2 (PRIVATE KEY)");
      assertThat(errors).singleElement().asString().startsWith("corp: ");
      configMap.publish(Map.of("ca.pem", CORP2.pem()));
      assertThat(bundles.reload()).isEqualTo(1);
      assertThat(bundles.lastError("corp")).isEmpty();
      assertThat(bundles.defaultBundle().bundle().certificates())
          .extracting(CaCertificate::subject)
          .containsExactly("CN=Corp Root CA 2");
    }
  }

  @Test
  void deletedFileIsABrokenUpdateToo() throws Exception {
    try (TrustBundles bundles = open(Duration.ZERO)) {
      Files.delete(tenantFile);
      bundles.reload();
      assertThat(bundles.get("tenant")).isPresent();
      assertThat(bundles.lastError("tenant")).isPresent();
    }
  }

  @Test
  void invalidStartingContentFailsOpenNamingTheSource() throws Exception {
    Files.writeString(tenantFile, TENANT.privateKeyPem());
    assertThatThrownBy(() -> open(Duration.ZERO))
        .isInstanceOf(TrustBundleException.class)
        .hasMessageContaining("tenant.crt")
        .hasMessageContaining("PEM block 1 (PRIVATE KEY)");
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertThatThrownBy(() -> TrustBundles.open(List.of(new NamedSource("e", empty)), Duration.ZERO))
        .isInstanceOf(TrustBundleException.class)
        .hasMessageContaining("no *.pem or *.crt file");
    assertThatThrownBy(
            () ->
                TrustBundles.open(
                    List.of(new NamedSource("x", tenantFile), new NamedSource("x", tenantFile)),
                    Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n  \n", "# emptied by mistake\n"})
  void anEmptiedConfigMapIsABrokenUpdateAndTheLastGoodBundleStays(String emptied) throws Exception {
    try (TrustBundles bundles = open(Duration.ZERO)) {
      List<TrustBundleException> errors = new CopyOnWriteArrayList<>();
      bundles.addErrorListener((name, e) -> errors.add(e));
      LoadedBundle good = bundles.defaultBundle();

      configMap.publish(Map.of("ca.pem", emptied));

      assertThat(bundles.reload()).isZero();
      assertThat(bundles.defaultBundle()).isSameAs(good);
      assertThat(errors)
          .singleElement()
          .isNotInstanceOf(OversizedBundleException.class)
          .satisfies(
              e ->
                  assertThat(e)
                      .hasMessageContaining(configMap.path().resolve("ca.pem").toString())
                      .hasMessageContaining("no PEM certificate found"));
    }
  }

  @Test
  void aBundleOverTheCertificateLimitFailsOpenNamingTheFileAndTheLimit() throws Exception {
    Files.writeString(tenantFile, distinctCas(51), StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> open(new BundleLimits(50, BundleLimits.DEFAULT_MAX_BYTES)))
        .isInstanceOfSatisfying(
            OversizedBundleException.class,
            e -> assertThat(e.measure()).isEqualTo(OversizedBundleException.Measure.CERTIFICATES))
        .hasMessage(
            "refuse bundle tenant from "
                + tenantFile
                + ": 51 certificates, over the limit of 50 certificates");
  }

  @Test
  void theCertificateLimitCountsDistinctCertificates() throws Exception {
    String fifty = distinctCas(50);
    Files.writeString(tenantFile, fifty + fifty, StandardCharsets.US_ASCII);

    try (TrustBundles bundles = open(new BundleLimits(50, BundleLimits.DEFAULT_MAX_BYTES))) {
      assertThat(bundles.get("tenant").orElseThrow().bundle().size()).isEqualTo(50);
    }
  }

  @Test
  void aSparseFileOverTheByteLimitIsRefusedFromItsSizeWithoutReadingIt() throws Exception {
    long fiftyMib = 50L << 20;
    try (RandomAccessFile sparse = new RandomAccessFile(tenantFile.toFile(), "rw")) {
      sparse.setLength(fiftyMib);
    }

    // the amount is the file's full size: only its size was looked at, a read would stop at 1 MiB
    assertThatThrownBy(() -> open(new BundleLimits(5000, 1L << 20)))
        .isInstanceOfSatisfying(
            OversizedBundleException.class,
            e -> assertThat(e.measure()).isEqualTo(OversizedBundleException.Measure.BYTES))
        .hasMessage(
            "refuse bundle tenant from "
                + tenantFile
                + ": 52428800 bytes, over the limit of 1048576 bytes");
  }

  @Test
  void anUpdateOverALimitKeepsTheLastGoodBundleUntilOneFitsAgain() throws Exception {
    BundleLimits limits = new BundleLimits(50, CORP.pem().length() + CORP2.pem().length());
    try (TrustBundles bundles = open(limits)) {
      List<String> errors = new CopyOnWriteArrayList<>();
      bundles.addErrorListener((name, e) -> errors.add(name + ": " + e.getMessage()));
      LoadedBundle good = bundles.defaultBundle();

      configMap.publish(Map.of("ca.pem", CORP.pem(), "more.pem", distinctCas(50)));
      assertThat(bundles.reload()).isZero();
      configMap.publish(Map.of("a.pem", CORP.pem(), "b.pem", CORP2.pem(), "c.pem", TENANT.pem()));
      assertThat(bundles.reload()).isZero();

      assertThat(bundles.defaultBundle()).isSameAs(good);
      assertThat(errors)
          .containsExactly(
              "corp: refuse bundle corp from "
                  + configMap.path().resolve("more.pem")
                  + ": "
                  + (CORP.pem().length() + distinctCas(50).length())
                  + " bytes, over the limit of "
                  + limits.maxBytes()
                  + " bytes",
              "corp: refuse bundle corp from "
                  + configMap.path().resolve("c.pem")
                  + ": "
                  + (CORP.pem().length() + CORP2.pem().length() + TENANT.pem().length())
                  + " bytes, over the limit of "
                  + limits.maxBytes()
                  + " bytes");
      configMap.publish(Map.of("ca.pem", CORP.pem(), "ca2.pem", CORP2.pem()));
      assertThat(bundles.reload()).isEqualTo(1);
      assertThat(bundles.lastError("corp")).isEmpty();
      assertThat(bundles.defaultBundle().bundle().size()).isEqualTo(2);
    }
  }

  @Test
  void anUpdateOverTheCertificateLimitKeepsTheLastGoodBundle() throws Exception {
    try (TrustBundles bundles = open(new BundleLimits(50, BundleLimits.DEFAULT_MAX_BYTES))) {
      LoadedBundle good = bundles.defaultBundle();

      configMap.publish(Map.of("ca.pem", CORP.pem(), "more.pem", distinctCas(50)));

      assertThat(bundles.reload()).isZero();
      assertThat(bundles.defaultBundle()).isSameAs(good);
      assertThat(bundles.lastError("corp").orElseThrow())
          .hasMessage(
              "refuse bundle corp from "
                  + configMap.path().resolve("more.pem")
                  + ": 51 certificates, over the limit of 50 certificates");
    }
  }

  /** {@code n} distinct CA certificates as PEM, made once per count. */
  private static String distinctCas(int n) {
    return BULK.computeIfAbsent(
        n,
        count -> {
          StringBuilder pem = new StringBuilder();
          for (int i = 0; i < count; i++) {
            pem.append(TestPki.rootCa("Bulk CA " + i).pem());
          }
          return pem.toString();
        });
  }

  @Test
  void watcherReloadsAConfigMapSwapWithoutBeingAsked() throws Exception {
    try (TrustBundles bundles = open(Duration.ofHours(1))) {
      BlockingQueue<LoadedBundle> changes = new LinkedBlockingQueue<>();
      bundles.addListener(changes::add);
      configMap.publish(Map.of("ca.pem", CORP2.pem()));
      LoadedBundle changed = changes.poll(20, TimeUnit.SECONDS);
      assertThat(changed).isNotNull();
      assertThat(changed.bundle().certificates())
          .extracting(CaCertificate::subject)
          .containsExactly("CN=Corp Root CA 2");
    }
  }

  @Test
  void pollingReloadsAFileRewrittenInPlace() throws Exception {
    try (TrustBundles bundles = open(Duration.ofMillis(50))) {
      BlockingQueue<LoadedBundle> changes = new LinkedBlockingQueue<>();
      bundles.addListener(changes::add);
      Files.writeString(tenantFile, TENANT.pem() + CORP.pem());
      LoadedBundle changed = changes.poll(20, TimeUnit.SECONDS);
      assertThat(changed).isNotNull();
      assertThat(changed.name()).isEqualTo("tenant");
      assertThat(changed.bundle().size()).isEqualTo(2);
    }
  }
}
