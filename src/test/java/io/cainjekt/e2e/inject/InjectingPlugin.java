// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.PluginLaunch;
import io.cainjekt.e2e.PluginProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cainjekt run} as its own process against the e2e containerd ({@link PluginLaunch}), with a
 * CA bundle directory the test controls (for rotation), a private staging directory and NRI plugin
 * index 50; each (re)start listens on a new loopback metrics port.
 */
final class InjectingPlugin implements AutoCloseable {

  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path bundleDir;
  private final Path stagingDir;
  private final Path logFile;
  private final Containerd containerd;
  private final List<String> extraArgs;
  private Optional<Path> java = Optional.empty();
  private PluginProcess process;

  private InjectingPlugin(Containerd containerd, Path workDir, List<String> extraArgs) {
    this.containerd = containerd;
    this.extraArgs = List.copyOf(extraArgs);
    this.bundleDir = workDir.resolve("bundle");
    this.stagingDir = workDir.resolve("staging");
    this.logFile = workDir.resolve("plugin.log");
  }

  /** Starts the plugin with {@code caBundle} as its only bundle and waits for synchronization. */
  static InjectingPlugin start(
      Containerd containerd, Path workDir, Path caBundle, String... extraArgs) {
    return start(containerd, workDir, caBundle, Optional.empty(), extraArgs);
  }

  /** The same, run by {@code java} when given (e.g. the image's jlink'd runtime). */
  static InjectingPlugin start(
      Containerd containerd,
      Path workDir,
      Path caBundle,
      Optional<Path> java,
      String... extraArgs) {
    InjectingPlugin plugin = stopped(containerd, workDir, caBundle, extraArgs);
    plugin.java = java;
    plugin.restart();
    return plugin;
  }

  /**
   * Prepared like {@link #start} but not running, as while a DaemonSet rolls out or crash-loops:
   * {@link #restart()} starts it.
   */
  static InjectingPlugin stopped(
      Containerd containerd, Path workDir, Path caBundle, String... extraArgs) {
    try {
      Files.createDirectories(workDir.resolve("bundle"));
      Files.copy(caBundle, workDir.resolve("bundle/ca.pem"));
      return new InjectingPlugin(containerd, workDir, List.of(extraArgs));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** (Re)starts the process and waits until it synchronized with the runtime. */
  void restart() {
    stopProcess();
    PluginLaunch launch =
        PluginLaunch.of(containerd, logFile)
            .withBundle("corp=" + bundleDir)
            .withStagingDir(stagingDir)
            .withArgs("--plugin-index", "50")
            .withArgs(extraArgs.toArray(String[]::new));
    process = java.map(launch::withJava).orElse(launch).launch();
    awaitSynchronized(0);
  }

  /** Waits for a "synchronized" line after {@code mark} in the plugin's log. */
  void awaitSynchronized(long mark) {
    process.log().awaitLineContaining(mark, "nri: synchronized", READY_TIMEOUT);
  }

  long logMark() {
    return process.log().mark();
  }

  /** The "inject: injected" line of {@code pod} logged after {@code mark}, once it is there. */
  String awaitInjected(long mark, String pod, Duration timeout) {
    return process
        .log()
        .awaitLine(
            mark,
            l -> l.contains("inject: injected") && l.contains(pod),
            pod + "'s injection",
            timeout);
  }

  PluginProcess process() {
    return process;
  }

  Path bundleFile() {
    return bundleDir.resolve("ca.pem");
  }

  Path stagingDir() {
    return stagingDir;
  }

  /**
   * Swaps the bundle file for {@code content} atomically, as a ConfigMap update does: a copy beside
   * it (a hidden name the plugin does not read), then a rename. Returns the time just before the
   * rename, the earliest the plugin can see the new bundle.
   */
  Instant replaceBundle(Path content) throws IOException {
    Path tmp = bundleFile().resolveSibling(".ca.pem.tmp");
    Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
    Instant renamed = Instant.now();
    Files.move(
        tmp, bundleFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return renamed;
  }

  /** The Prometheus exposition of the running plugin. */
  String metrics() {
    return get("/metrics");
  }

  /** The /containers JSON of the running plugin. */
  String containers() {
    return get("/containers");
  }

  /** The value of one sample line, e.g. {@code cainjekt_injections_total{distro="debian"}}. */
  double sample(String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }

  private String get(String path) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + process.httpPort() + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills the process hard (SIGKILL), like an OOM kill or node agent crash. */
  void kill() {
    ProcessHandle.of(process.pid())
        .ifPresent(
            h -> {
              h.destroyForcibly();
              h.onExit().join();
            });
  }

  private void stopProcess() {
    if (process != null) {
      process.close();
      process = null;
    }
  }

  @Override
  public void close() {
    stopProcess();
  }
}
