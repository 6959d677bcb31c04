// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one way the e2e tests start the plugin against the private containerd: {@code java
 * @bin/jvm.options -jar cainjekt.jar run --nri-socket <containerd's> --ca-bundle <bundle>
 * --staging-dir <dir> --http-address 127.0.0.1:<free port> [args]}. Defaults: CorpCA of the test
 * PKI as the bundle, {@code target/e2e/staging}, the test JVM's {@code java}. Immutable; every
 * {@link #launch()} picks a free loopback port, which {@link PluginProcess#httpPort()} returns.
 *
 * @param java the {@code java} that runs the plugin (e.g. a wrapper that adds flags)
 * @param bundle the {@code --ca-bundle} value: a file, or {@code name=directory}
 * @param args further {@code run} options, e.g. {@code --plugin-index 50}
 */
public record PluginLaunch(
    Containerd containerd,
    Path logFile,
    Path java,
    String bundle,
    Path stagingDir,
    List<String> args) {

  /**
   * System property naming the {@code java} that runs the plugin, e.g. the image's jlink'd runtime
   * ({@code -Dcainjekt.plugin.java=target/jre/bin/java}); default: the JVM running the tests.
   */
  public static final String JAVA_PROPERTY = "cainjekt.plugin.java";

  public PluginLaunch {
    args = List.copyOf(args);
  }

  /** The defaults, with the plugin's stdout and stderr going to {@code logFile}. */
  public static PluginLaunch of(Containerd containerd, Path logFile) {
    Path basedir = containerd.basedir();
    return new PluginLaunch(
        containerd,
        logFile,
        defaultJava(),
        Pki.caCertificate(Ca.CORP_CA).toString(),
        basedir.resolve("target/e2e/staging"),
        List.of());
  }

  /** The {@code java} of {@link #JAVA_PROPERTY}, else the JVM running the tests. */
  public static Path defaultJava() {
    return Path.of(
        Optional.ofNullable(System.getProperty(JAVA_PROPERTY))
            .filter(j -> !j.isBlank())
            .orElseGet(() -> ProcessHandle.current().info().command().orElse("java")));
  }

  public PluginLaunch withJava(Path other) {
    return new PluginLaunch(containerd, logFile, other, bundle, stagingDir, args);
  }

  /** {@code file} as the only bundle. */
  public PluginLaunch withBundle(Path file) {
    return withBundle(file.toString());
  }

  /** {@code value} as the {@code --ca-bundle} option, e.g. {@code corp=/dir}. */
  public PluginLaunch withBundle(String value) {
    return new PluginLaunch(containerd, logFile, java, value, stagingDir, args);
  }

  public PluginLaunch withStagingDir(Path dir) {
    return new PluginLaunch(containerd, logFile, java, bundle, dir, args);
  }

  /** These {@code run} options after the ones set so far. */
  public PluginLaunch withArgs(String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return new PluginLaunch(containerd, logFile, java, bundle, stagingDir, all);
  }

  /** Starts the plugin; it runs until {@link PluginProcess#close()}. */
  public PluginProcess launch() {
    int port = freeLoopbackPort();
    List<String> run = new ArrayList<>();
    run.addAll(List.of("--nri-socket", containerd.nriSocket().toString()));
    run.addAll(List.of("--ca-bundle", bundle, "--staging-dir", stagingDir.toString()));
    run.addAll(List.of("--http-address", "127.0.0.1:" + port));
    run.addAll(args);
    return PluginProcess.start(java, run, logFile, port);
  }

  private static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("find a free loopback port", e);
    }
  }
}
