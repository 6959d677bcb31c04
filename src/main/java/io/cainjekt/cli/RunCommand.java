// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import io.cainjekt.daemon.CaBundleSource;
import io.cainjekt.daemon.Capabilities;
import io.cainjekt.daemon.Config;
import io.cainjekt.daemon.Daemon;
import io.cainjekt.daemon.FailPolicy;
import io.cainjekt.daemon.LogLevel;
import io.cainjekt.inject.Caches;
import io.cainjekt.observe.HttpAddress;
import io.cainjekt.observe.LogFormat;
import io.cainjekt.observe.LogSetup;
import io.cainjekt.trust.BundleLimits;
import io.cainjekt.trust.OversizedBundleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cainjekt run}: the DaemonSet process (docs/architecture.md, "Command line"). */
@Command(
    name = "run",
    description = "Run the NRI plugin: connect to containerd and inject CAs into opted-in pods.",
    footer = "Every flag can also be set as CAINJEKT_<FLAG_IN_UPPER_SNAKE>; flags win.")
final class RunCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  private static final Pattern PLUGIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern PLUGIN_INDEX = Pattern.compile("[0-9]{2}");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--nri-socket",
      paramLabel = "PATH",
      defaultValue = "/var/run/nri/nri.sock",
      description =
          "The container runtime's NRI socket (default: ${DEFAULT-VALUE};"
              + " env CAINJEKT_NRI_SOCKET)")
  private Path nriSocket;

  @Option(
      names = "--plugin-name",
      paramLabel = "NAME",
      defaultValue = "cainjekt",
      description =
          "Name the plugin registers under with NRI (default: ${DEFAULT-VALUE};"
              + " env CAINJEKT_PLUGIN_NAME)")
  private String pluginName;

  @Option(
      names = "--plugin-index",
      paramLabel = "NN",
      defaultValue = "10",
      description =
          "Two-digit NRI plugin index; lower indexes see each event first"
              + " (default: ${DEFAULT-VALUE}; env CAINJEKT_PLUGIN_INDEX)")
  private String pluginIndex;

  @Option(
      names = "--ca-bundle",
      paramLabel = "[NAME=]PATH",
      split = ",",
      description =
          "CA file or directory, optionally named; repeatable, the first is the default bundle"
              + " (required; env CAINJEKT_CA_BUNDLE, comma-separated)")
  private List<String> caBundles = new ArrayList<>();

  @Option(
      names = "--max-bundle-certificates",
      paramLabel = "N",
      defaultValue = "" + BundleLimits.DEFAULT_MAX_CERTIFICATES,
      description =
          "Refuse a CA bundle holding more distinct certificates; the last good one stays"
              + " (default: ${DEFAULT-VALUE}; env CAINJEKT_MAX_BUNDLE_CERTIFICATES)")
  private int maxBundleCertificates;

  @Option(
      names = "--max-bundle-bytes",
      paramLabel = "BYTES",
      defaultValue = "" + BundleLimits.DEFAULT_MAX_BYTES,
      description =
          "Refuse a CA bundle whose files hold more bytes together, checked before reading them"
              + " (default: ${DEFAULT-VALUE}; env CAINJEKT_MAX_BUNDLE_BYTES)")
  private long maxBundleBytes;

  @Option(
      names = "--staging-dir",
      paramLabel = "DIR",
      defaultValue = "/run/cainjekt",
      description =
          "Host directory, best a tmpfs, for the files mounted at /etc/cainjekt"
              + " (default: ${DEFAULT-VALUE}; env CAINJEKT_STAGING_DIR)")
  private Path stagingDir;

  @Option(
      names = "--http-address",
      paramLabel = "HOST:PORT",
      defaultValue = ":9443",
      description =
          "Address of /metrics, /healthz, /readyz and /containers; no host means every address"
              + " (default: ${DEFAULT-VALUE}; env CAINJEKT_HTTP_ADDRESS)")
  private String httpAddress;

  @Option(
      names = "--annotation-prefix",
      paramLabel = "PREFIX",
      defaultValue = "cainjekt.io",
      description =
          "Prefix of the opt-in annotation and label keys, as in PREFIX/enabled"
              + " (default: ${DEFAULT-VALUE}; env CAINJEKT_ANNOTATION_PREFIX)")
  private String annotationPrefix;

  @Option(
      names = "--fail-policy",
      paramLabel = "open|closed",
      defaultValue = "open",
      converter = EnumConverter.FailPolicyConverter.class,
      description =
          "On an injection error, open starts the container without its CAs, closed stops it"
              + " (default: ${DEFAULT-VALUE}; env CAINJEKT_FAIL_POLICY)")
  private FailPolicy failPolicy;

  @Option(
      names = "--kubernetes",
      paramLabel = "auto|on|off",
      defaultValue = "auto",
      description =
          "Kubernetes API for namespace labels and Events; auto = on inside a pod or with"
              + " --kubeconfig (default: ${DEFAULT-VALUE}; env CAINJEKT_KUBERNETES)")
  private String kubernetes;

  @Option(
      names = "--kubeconfig",
      paramLabel = "PATH",
      description =
          "kubeconfig file for the Kubernetes API (default: in-cluster service account;"
              + " env CAINJEKT_KUBECONFIG)")
  private Path kubeconfig;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      defaultValue = "text",
      converter = EnumConverter.LogFormatConverter.class,
      description =
          "Log lines as text or as one JSON object each (default: ${DEFAULT-VALUE};"
              + " env CAINJEKT_LOG_FORMAT)")
  private LogFormat logFormat;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "info",
      converter = EnumConverter.LogLevelConverter.class,
      description =
          "Lowest level logged: trace, debug, info, warn or error (default: ${DEFAULT-VALUE};"
              + " env CAINJEKT_LOG_LEVEL)")
  private LogLevel logLevel;

  /**
   * Benchmarks only ({@code bench/e2e.sh start-latency -Dbench.caches-off=...}): hidden from {@code
   * --help} and without an environment form, so that no operator or chart sets it.
   */
  @Option(
      names = "--caches-off",
      paramLabel = "NAME",
      split = ",",
      hidden = true,
      description = "Caches that keep nothing, to measure what each buys (benchmarks only)")
  private List<String> cachesOff = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    Config config = config();
    LogSetup.configure(config.logFormat(), config.logLevel().name());
    warnWithoutNodeName(config.kubernetes());
    Daemon daemon = new Daemon(config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  LogSetup.stop();
                },
                "cainjekt-shutdown"));
    try {
      Capabilities.check();
      daemon.start();
    } catch (IOException e) {
      spec.commandLine().getErr().println("cainjekt run: " + e.getMessage() + hint(e));
      return Main.EXIT_FAILURE;
    }
    daemon.awaitClosed();
    return Main.EXIT_OK;
  }

  /** Validates every flag and builds the configuration; bad input names the flag and why. */
  Config config() {
    require(
        PLUGIN_NAME.matcher(pluginName).matches(),
        "--plugin-name",
        pluginName,
        "must be 1-63 letters, digits, '.', '_' or '-'");
    require(
        PLUGIN_INDEX.matcher(pluginIndex).matches(),
        "--plugin-index",
        pluginIndex,
        "must be two digits, 00-99");
    require(nriSocket.isAbsolute(), "--nri-socket", nriSocket, "must be an absolute path");
    require(stagingDir.isAbsolute(), "--staging-dir", stagingDir, "must be an absolute path");
    require(
        annotationPrefix.length() <= 253 && DNS_SUBDOMAIN.matcher(annotationPrefix).matches(),
        "--annotation-prefix",
        annotationPrefix,
        "must be a DNS subdomain such as cainjekt.io");
    return new Config(
        new Config.Nri(nriSocket, pluginName, pluginIndex, Duration.ofSeconds(5)),
        bundles(),
        bundleLimits(),
        stagingDir,
        parse("--http-address", httpAddress),
        annotationPrefix,
        failPolicy,
        logFormat,
        logLevel,
        kubernetes(),
        cachesOff());
  }

  private Set<String> cachesOff() {
    Set<String> off = Set.copyOf(cachesOff);
    try {
      Caches.requireNames(off);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "invalid --caches-off '" + String.join(",", cachesOff) + "': " + e.getMessage());
    }
    return off;
  }

  /**
   * The Kubernetes API settings; reads the pod environment (KUBERNETES_SERVICE_HOST, NODE_NAME).
   */
  private Config.Kubernetes kubernetes() {
    require(
        List.of("auto", "on", "off").contains(kubernetes),
        "--kubernetes",
        kubernetes,
        "must be auto, on or off");
    require(
        kubeconfig == null || Files.isReadable(kubeconfig),
        "--kubeconfig",
        kubeconfig,
        "is not a readable file");
    boolean inPod = System.getenv("KUBERNETES_SERVICE_HOST") != null;
    boolean enabled =
        kubernetes.equals("on") || (kubernetes.equals("auto") && (inPod || kubeconfig != null));
    String node = System.getenv().getOrDefault("NODE_NAME", "");
    if (node.isEmpty()) {
      node = hostName();
    }
    return new Config.Kubernetes(enabled, Optional.ofNullable(kubeconfig), node);
  }

  /**
   * In a pod the host name is the pod's name, so Events would name the plugin pod instead of the
   * node: the chart sets NODE_NAME from spec.nodeName (docs/configuration.md).
   */
  private static void warnWithoutNodeName(Config.Kubernetes k8s) {
    if (k8s.enabled() && System.getenv().getOrDefault("NODE_NAME", "").isEmpty()) {
      log.atWarn()
          .setMessage(
              "kubernetes: NODE_NAME is not set; Events name this host instead of the node; set it"
                  + " from the downward API (fieldRef spec.nodeName)")
          .addKeyValue("host", k8s.nodeName())
          .log();
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return ""; // ignored: Events then carry no host
    }
  }

  private List<CaBundleSource> bundles() {
    require(
        !caBundles.isEmpty(),
        "--ca-bundle",
        "",
        "at least one CA bundle file or directory is required");
    List<CaBundleSource> sources = new ArrayList<>();
    for (String spec : caBundles) {
      CaBundleSource source;
      try {
        source = CaBundleSource.parse(spec);
      } catch (IllegalArgumentException e) {
        throw usage("--ca-bundle", spec, e.getMessage());
      }
      require(
          Files.isReadable(source.path()),
          "--ca-bundle",
          spec,
          "does not exist or is not readable");
      require(
          sources.stream().noneMatch(s -> s.name().equals(source.name())),
          "--ca-bundle",
          spec,
          "bundle name '" + source.name() + "' is used twice");
      sources.add(source);
    }
    return sources;
  }

  private BundleLimits bundleLimits() {
    require(
        maxBundleCertificates >= 1,
        "--max-bundle-certificates",
        maxBundleCertificates,
        "must be at least 1");
    require(
        maxBundleBytes >= 1 && maxBundleBytes <= BundleLimits.MAX_BYTES_CEILING,
        "--max-bundle-bytes",
        maxBundleBytes,
        "must be 1 to " + BundleLimits.MAX_BYTES_CEILING);
    return new BundleLimits(maxBundleCertificates, maxBundleBytes);
  }

  /** Which flag raises the limit an oversized bundle broke; empty for other start-up errors. */
  static String hint(IOException e) {
    if (!(e instanceof OversizedBundleException oversized)) {
      return "";
    }
    String flag =
        switch (oversized.measure()) {
          case CERTIFICATES -> "--max-bundle-certificates";
          case BYTES -> "--max-bundle-bytes";
        };
    return " (" + flag + " or " + EnvDefaults.variable(flag) + " raises the limit)";
  }

  private HttpAddress parse(String flag, String value) {
    try {
      return HttpAddress.parse(value);
    } catch (IllegalArgumentException e) {
      throw usage(flag, value, e.getMessage());
    }
  }

  private void require(boolean ok, String flag, Object value, String why) {
    if (!ok) {
      throw usage(flag, value, why);
    }
  }

  private CommandLine.ParameterException usage(String flag, Object value, String why) {
    return new CommandLine.ParameterException(
        spec.commandLine(),
        "invalid " + flag + " (or " + EnvDefaults.variable(flag) + ") '" + value + "': " + why);
  }
}
