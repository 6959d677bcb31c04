// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.daemon.CaBundleSource;
import io.cainjekt.daemon.Config;
import io.cainjekt.daemon.FailPolicy;
import io.cainjekt.daemon.LogLevel;
import io.cainjekt.observe.HttpAddress;
import io.cainjekt.observe.LogFormat;
import io.cainjekt.trust.BundleLimits;
import io.cainjekt.trust.OversizedBundleException;
import io.cainjekt.trust.TrustBundleException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {

  @TempDir Path dir;
  private Path bundle;
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void bundleFile() throws Exception {
    bundle = Files.writeString(dir.resolve("corp.pem"), "not parsed here");
  }

  private Config config(Map<String, String> env, String... args) {
    CommandLine cl = Main.commandLine(env);
    CommandLine.ParseResult parsed = cl.parseArgs(args);
    RunCommand run = parsed.subcommand().commandSpec().commandLine().getCommand();
    return run.config();
  }

  private int exitCode(Map<String, String> env, String... args) {
    CommandLine cl = Main.commandLine(env);
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void everySubcommandPrintsItsHelp() {
    for (String sub : List.of("run", "inject", "inspect", "demo", "version")) {
      CommandLine cl = Main.commandLine(Map.of());
      StringWriter out = new StringWriter();
      cl.setOut(new PrintWriter(out, true));

      assertThat(cl.execute(sub, "--help")).as(sub).isZero();
      assertThat(out.toString()).as(sub).contains("Usage: cainjekt " + sub);
    }
  }

  @Test
  void defaultsMatchTheCommandLineContract() {
    Config c = config(Map.of(), "run", "--ca-bundle", bundle.toString());

    assertThat(c.nri().socket()).isEqualTo(Path.of("/var/run/nri/nri.sock"));
    assertThat(c.nri().pluginName()).isEqualTo("cainjekt");
    assertThat(c.nri().pluginIndex()).isEqualTo("10");
    assertThat(c.caBundles()).containsExactly(new CaBundleSource("corp", bundle));
    assertThat(c.stagingDir()).isEqualTo(Path.of("/run/cainjekt"));
    assertThat(c.httpAddress()).isEqualTo(new HttpAddress("", 9443));
    assertThat(c.annotationPrefix()).isEqualTo("cainjekt.io");
    assertThat(c.failPolicy()).isEqualTo(FailPolicy.OPEN);
    assertThat(c.logFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(c.logLevel()).isEqualTo(LogLevel.INFO);
    assertThat(c.bundleLimits()).isEqualTo(new BundleLimits(5000, 8L << 20));
  }

  @Test
  void everyFlagHasAnEnvironmentFormAndTheFlagWins() {
    Map<String, String> env =
        Map.of(
            "CAINJEKT_NRI_SOCKET", "/env/nri.sock",
            "CAINJEKT_PLUGIN_INDEX", "42",
            "CAINJEKT_CA_BUNDLE", "a=" + bundle + ",b=" + dir,
            "CAINJEKT_FAIL_POLICY", "closed",
            "CAINJEKT_LOG_FORMAT", "json",
            "CAINJEKT_HTTP_ADDRESS", "127.0.0.1:19443",
            "CAINJEKT_MAX_BUNDLE_CERTIFICATES", "700",
            "CAINJEKT_MAX_BUNDLE_BYTES", "1000");

    Config c =
        config(
            env,
            "run",
            "--nri-socket",
            "/flag/nri.sock",
            "--log-level",
            "debug",
            "--max-bundle-bytes",
            "2000");

    assertThat(c.nri().socket()).isEqualTo(Path.of("/flag/nri.sock"));
    assertThat(c.nri().pluginIndex()).isEqualTo("42");
    assertThat(c.caBundles()).extracting(CaBundleSource::name).containsExactly("a", "b");
    assertThat(c.failPolicy()).isEqualTo(FailPolicy.CLOSED);
    assertThat(c.logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(c.logLevel()).isEqualTo(LogLevel.DEBUG);
    assertThat(c.httpAddress()).isEqualTo(new HttpAddress("127.0.0.1", 19443));
    assertThat(c.bundleLimits()).isEqualTo(new BundleLimits(700, 2000));
  }

  @Test
  void cachesOffReachesTheConfigurationOnlyAsAFlag() {
    String ca = bundle.toString();

    assertThat(config(Map.of(), "run", "--ca-bundle", ca).cachesOff()).isEmpty();
    assertThat(config(Map.of(), "run", "--ca-bundle", ca, "--caches-off=trust,plans").cachesOff())
        .containsExactlyInAnyOrder("trust", "plans");
    assertThat(config(Map.of("CAINJEKT_CACHES_OFF", "trust"), "run", "--ca-bundle", ca).cachesOff())
        .isEmpty();
  }

  @Test
  void anUnknownCacheNameIsBadUsageNamingTheKnownOnes() {
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", bundle.toString(), "--caches-off=pems"))
        .isEqualTo(Main.EXIT_USAGE);

    assertThat(err.toString())
        .contains("invalid --caches-off 'pems': unknown cache pems, expected one of [");
  }

  @Test
  void bundleLimitsBelowOneOrPastTheCeilingAreBadUsageNamingTheFlag() {
    String ca = bundle.toString();
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--max-bundle-certificates", "0"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--max-bundle-bytes", "-1"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--max-bundle-bytes", "1073741825"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--max-bundle-certificates", "many"))
        .isEqualTo(Main.EXIT_USAGE);

    assertThat(err.toString())
        .contains(
            "--max-bundle-certificates (or CAINJEKT_MAX_BUNDLE_CERTIFICATES) '0': must be at"
                + " least 1")
        .contains("--max-bundle-bytes (or CAINJEKT_MAX_BUNDLE_BYTES) '-1': must be 1 to 1073741824")
        .contains("'1073741825': must be 1 to 1073741824")
        .contains("'many'");
  }

  @Test
  void theHelpOfRunShowsTheBundleLimitsAndTheirDefaults() {
    CommandLine cl = Main.commandLine(Map.of());
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));

    assertThat(cl.execute("run", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("--max-bundle-certificates=N")
        .contains("(default: 5000; env CAINJEKT_MAX_BUNDLE_CERTIFICATES)")
        .contains("--max-bundle-bytes=BYTES")
        .contains("(default: 8388608; env CAINJEKT_MAX_BUNDLE_BYTES)");
  }

  @Test
  void anOversizedBundleAtStartSaysWhichFlagRaisesTheLimit() {
    Path file = Path.of("/etc/cainjekt-bundles/corp/ca.pem");
    OversizedBundleException count =
        new OversizedBundleException(
            "corp", file, OversizedBundleException.Measure.CERTIFICATES, 6000, 5000);
    OversizedBundleException bytes =
        new OversizedBundleException(
            "corp", file, OversizedBundleException.Measure.BYTES, 9 << 20, 8 << 20);

    assertThat(RunCommand.hint(count))
        .isEqualTo(
            " (--max-bundle-certificates or CAINJEKT_MAX_BUNDLE_CERTIFICATES raises the limit)");
    assertThat(RunCommand.hint(bytes))
        .isEqualTo(" (--max-bundle-bytes or CAINJEKT_MAX_BUNDLE_BYTES raises the limit)");
    assertThat(RunCommand.hint(new TrustBundleException("broken"))).isEmpty();
  }

  @Test
  void repeatedCaBundleFlagsKeepTheirOrderAndTheFirstIsTheDefault() {
    Config c = config(Map.of(), "run", "--ca-bundle", "x=" + bundle, "--ca-bundle", "y=" + dir);

    assertThat(c.caBundles()).extracting(CaBundleSource::name).containsExactly("x", "y");
  }

  @Test
  void aMissingCaBundleIsABadUsageNamingTheFlag() {
    assertThat(exitCode(Map.of(), "run")).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--ca-bundle").contains("CAINJEKT_CA_BUNDLE");
  }

  @Test
  void aCaBundleThatDoesNotExistIsRejected() {
    assertThatThrownBy(() -> config(Map.of(), "run", "--ca-bundle", "/no/such.pem"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--ca-bundle")
        .hasMessageContaining("does not exist");
  }

  @Test
  void badValuesExitWithCodeTwoAndSayWhichFlagAndWhy() {
    String ca = bundle.toString();
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--plugin-index", "7")).isEqualTo(2);
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--fail-policy", "maybe")).isEqualTo(2);
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--http-address", "9443")).isEqualTo(2);
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--annotation-prefix", "Bad_"))
        .isEqualTo(2);
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--staging-dir", "rel")).isEqualTo(2);
    assertThat(exitCode(Map.of(), "run", "--ca-bundle", ca, "--log-format", "xml")).isEqualTo(2);

    assertThat(err.toString())
        .contains("--plugin-index (or CAINJEKT_PLUGIN_INDEX) '7': must be two digits")
        .contains("--fail-policy")
        .contains("'maybe' is not one of: open, closed")
        .contains("--http-address")
        .contains("--annotation-prefix")
        .contains("--staging-dir")
        .contains("'xml' is not one of: text, json");
  }

  @Test
  void aBadEnvironmentValueIsReportedLikeABadFlag() {
    assertThat(
            exitCode(
                Map.of("CAINJEKT_PLUGIN_NAME", "has space"),
                "run",
                "--ca-bundle",
                bundle.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("CAINJEKT_PLUGIN_NAME").contains("'has space'");
  }
}
