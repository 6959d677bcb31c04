// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.observe.HttpAddress;
import io.cainjekt.observe.LogFormat;
import io.cainjekt.trust.BundleLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The validated configuration of {@code cainjekt run} (docs/architecture.md, "Command line"). Built
 * by the command line from flags and {@code CAINJEKT_*} environment; nothing below reads either.
 *
 * @param nri how to reach the runtime
 * @param caBundles CA bundles; the first is the default
 * @param bundleLimits how big each CA bundle may be, at start and on reload
 * @param stagingDir host directory for staged per-container files
 * @param httpAddress metrics and health listener
 * @param annotationPrefix opt-in annotation and label prefix
 * @param failPolicy what an injection error does
 * @param logFormat log encoding
 * @param logLevel root log level
 * @param kubernetes how to reach the Kubernetes API (namespace labels, Events)
 * @param cachesOff caches that keep nothing ({@code Caches#without}), for benchmarks only; empty in
 *     production
 */
public record Config(
    Nri nri,
    List<CaBundleSource> caBundles,
    BundleLimits bundleLimits,
    Path stagingDir,
    HttpAddress httpAddress,
    String annotationPrefix,
    FailPolicy failPolicy,
    LogFormat logFormat,
    LogLevel logLevel,
    Kubernetes kubernetes,
    Set<String> cachesOff) {

  public Config {
    Objects.requireNonNull(nri, "nri");
    caBundles = List.copyOf(caBundles);
    Objects.requireNonNull(bundleLimits, "bundleLimits");
    Objects.requireNonNull(stagingDir, "stagingDir");
    Objects.requireNonNull(httpAddress, "httpAddress");
    Objects.requireNonNull(annotationPrefix, "annotationPrefix");
    Objects.requireNonNull(failPolicy, "failPolicy");
    Objects.requireNonNull(logFormat, "logFormat");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(kubernetes, "kubernetes");
    cachesOff = Set.copyOf(cachesOff);
  }

  /**
   * The Kubernetes API: namespace-label opt-in and Events on pods. Without it, only pod annotations
   * and labels opt in, and failures are not reported as Events.
   *
   * @param enabled whether to use the API at all
   * @param kubeconfig a kubeconfig file; empty means in-cluster (service account) configuration
   * @param nodeName the node, reported as the source host of Events
   */
  public record Kubernetes(boolean enabled, Optional<Path> kubeconfig, String nodeName) {
    public Kubernetes {
      Objects.requireNonNull(kubeconfig, "kubeconfig");
      Objects.requireNonNull(nodeName, "nodeName");
    }

    /** No Kubernetes API. */
    public static Kubernetes off() {
      return new Kubernetes(false, Optional.empty(), "");
    }
  }

  /**
   * The NRI connection.
   *
   * @param socket the runtime's NRI socket
   * @param pluginName name we register with
   * @param pluginIndex two-digit invocation order
   * @param registrationTimeout how long RegisterPlugin may take
   */
  public record Nri(
      Path socket, String pluginName, String pluginIndex, Duration registrationTimeout) {
    public Nri {
      Objects.requireNonNull(socket, "socket");
      Objects.requireNonNull(pluginName, "pluginName");
      Objects.requireNonNull(pluginIndex, "pluginIndex");
      Objects.requireNonNull(registrationTimeout, "registrationTimeout");
    }
  }
}
