// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.Caches;
import io.cainjekt.nri.NriState;
import io.cainjekt.observe.HttpAddress;
import io.cainjekt.observe.LogFormat;
import io.cainjekt.trust.BundleLimits;
import io.cainjekt.trust.OversizedBundleException;
import io.cainjekt.trust.TrustBundleException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonTest {

  @TempDir Path dir;

  private Config config() {
    return config(BundleLimits.DEFAULT);
  }

  private Config config(BundleLimits limits) {
    return config(limits, Set.of());
  }

  private Config config(BundleLimits limits, Set<String> cachesOff) {
    return new Config(
        new Config.Nri(dir.resolve("missing.sock"), "cainjekt", "10", Duration.ofSeconds(2)),
        List.of(new CaBundleSource("corp", dir.resolve("ca.pem"))),
        limits,
        dir.resolve("staging"),
        new HttpAddress("127.0.0.1", 0),
        "cainjekt.io",
        FailPolicy.OPEN,
        LogFormat.TEXT,
        LogLevel.INFO,
        Config.Kubernetes.off(),
        cachesOff);
  }

  private static long stubThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("nri-stub"))
        .count();
  }

  @Test
  void withoutARuntimeTheDaemonKeepsRunningDisconnectedAndClosesOnceCleanly() throws Exception {
    Files.write(dir.resolve("ca.pem"), Pki.bytes("corp-ca.crt"));
    long before = stubThreads();
    Daemon daemon = new Daemon(config());
    daemon.start();

    assertThat(daemon.nriState()).isEqualTo(NriState.DISCONNECTED);
    assertThat(stubThreads()).isEqualTo(before + 1);
    Thread waiter = Thread.ofVirtual().start(awaitQuietly(daemon));
    daemon.close();
    daemon.close();

    waiter.join(TimeUnit.SECONDS.toMillis(5));
    assertThat(waiter.isAlive()).isFalse();
    assertThat(stubThreads()).isEqualTo(before);
  }

  @Test
  void aBundleHoldingAPrivateKeyStopsTheStartWithAnErrorNamingIt() throws Exception {
    Files.write(dir.resolve("ca.pem"), concat(Pki.bytes("corp-ca.crt"), Pki.bytes("corp-ca.key")));
    Daemon daemon = new Daemon(config());

    assertStartStopsBeforeStaging(daemon, TrustBundleException.class, "PRIVATE KEY");
  }

  @Test
  void aBundleOverTheCertificateLimitStopsTheStartWithAnErrorNamingTheFileAndTheLimit()
      throws Exception {
    Files.write(
        dir.resolve("ca.pem"), concat(Pki.bytes("corp-ca.crt"), Pki.bytes("corp-ca-rekeyed.crt")));
    Daemon daemon = new Daemon(config(new BundleLimits(1, BundleLimits.DEFAULT_MAX_BYTES)));

    assertStartStopsBeforeStaging(
        daemon, OversizedBundleException.class, "2 certificates, over the limit of 1 certificates");
  }

  @Test
  void theCachesTheConfigurationSwitchesOffKeepNothingAndTheOthersRemember() {
    ByteString pem = ByteString.copyFrom(Pki.bytes("corp-ca.crt"));
    Caches standard = new Daemon(config()).caches();
    Caches trustOff = new Daemon(config(BundleLimits.DEFAULT, Set.of("trust"))).caches();

    assertThat(standard.trust().parseLenient("ca.pem", pem))
        .isSameAs(standard.trust().parseLenient("ca.pem", pem));
    assertThat(trustOff.trust().parseLenient("ca.pem", pem))
        .isNotSameAs(trustOff.trust().parseLenient("ca.pem", pem));
  }

  /** Start fails with {@code type} naming ca.pem and {@code why}, before any staging. */
  private void assertStartStopsBeforeStaging(
      Daemon daemon, Class<? extends TrustBundleException> type, String why) {
    assertThatThrownBy(daemon::start)
        .isInstanceOf(type)
        .hasMessageContaining("ca.pem")
        .hasMessageContaining(why);
    assertThat(daemon.nriState()).isEqualTo(NriState.DISCONNECTED);
    assertThat(dir.resolve("staging")).doesNotExist();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private Runnable awaitQuietly(Daemon daemon) {
    return () -> {
      try {
        daemon.awaitClosed();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
