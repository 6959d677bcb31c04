// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import io.cainjekt.e2e.compat.CompatResults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A private containerd with NRI (e2e/containerd.sh) plus a {@link CriClient} on it, shared by all
 * IT classes of one JVM through {@link ContainerdExtension}; its {@link ContainerdVersion} comes
 * from the system property {@value ContainerdVersion#PROPERTY} (1.7 or 2.1). Starting it builds
 * (cached) and imports the pause and busybox images. Thread-safe for the CRI calls; {@link
 * #restart()} must not race other calls.
 */
public final class Containerd implements AutoCloseable {

  /** Sandbox image (static pause binary), pinned. */
  public static final String PAUSE = "localhost/cainjekt-e2e/pause:latest";

  /** Tiny test image: Debian's busybox-static, /bin/sh, empty /etc/ssl/certs. */
  public static final String BUSYBOX = "localhost/cainjekt-e2e/busybox:latest";

  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);

  private final Path basedir;
  private final ContainerdVersion version;
  private final Path dir;
  private final Map<String, String> paths;
  private final CallTimings timings = new CallTimings();
  private final CriClient cri;
  private final List<Duration> starts = new ArrayList<>();
  private final String versionLine;

  private Containerd(Path basedir, ContainerdVersion version, Path dir) {
    this.basedir = basedir;
    this.version = version;
    this.dir = dir;
    this.paths = parsePaths(script("containerd.sh", "paths", dir.toString()));
    this.versionLine = script("containerd.sh", "version", dir.toString()).strip();
    this.cri = new CriClient(socket(), timings);
  }

  /** {@link #start(Path, ContainerdVersion)} of the {@linkplain ContainerdVersion#selected()}. */
  public static Containerd start(Path basedir) {
    return start(basedir, ContainerdVersion.selected());
  }

  /**
   * Stops whatever an earlier run left in {@code basedir/target/e2e/containerd-<version>}, starts a
   * fresh containerd of {@code version} there, and imports the runtime images (cached in {@code
   * e2e/.cache}).
   */
  public static Containerd start(Path basedir, ContainerdVersion version) {
    Path dir = basedir.resolve("target/e2e/containerd-" + version.id());
    Containerd c = new Containerd(basedir, version, dir);
    c.script("containerd.sh", "stop", dir.toString());
    CompatResults.begin(basedir, version.id(), c.versionLine);
    Path images = basedir.resolve("e2e/.cache/runtime-images");
    c.script("runtime-images.sh", images.toString());
    c.timedStart("start");
    c.importImage(images.resolve("pause.tar"), true);
    c.importImage(images.resolve("busybox.tar"), false);
    return c;
  }

  /** The release line this instance runs. */
  public ContainerdVersion release() {
    return version;
  }

  /**
   * The binary's own {@code containerd --version} line, e.g. {@code containerd ... 2.1.9+unknown}.
   */
  public String version() {
    return versionLine;
  }

  /** The repository root (the e2e/ scripts and src/test/resources live under it). */
  public Path basedir() {
    return basedir;
  }

  /** The CRI client (shared; its {@link CallTimings} accumulate over the whole JVM). */
  public CriClient cri() {
    return cri;
  }

  /** containerd's gRPC (CRI) socket. */
  public Path socket() {
    return Path.of(paths.get("SOCKET"));
  }

  /** The NRI socket external plugins connect to (pass it to {@code cainjekt run}). */
  public Path nriSocket() {
    return Path.of(paths.get("NRI_SOCKET"));
  }

  /** The directory e2e/containerd.sh keeps this instance in (its DIR argument). */
  public Path dir() {
    return dir;
  }

  /** The file holding the daemon's process id (e2e/containerd.sh writes it at start). */
  public Path pidFile() {
    return Path.of(paths.get("PID_FILE"));
  }

  /** containerd's state directory (the {@code state} of its config). */
  public Path stateDir() {
    return Path.of(paths.get("STATE"));
  }

  /** containerd's root directory (content store, snapshots, metadata). */
  public Path rootDir() {
    return Path.of(paths.get("ROOT"));
  }

  /** Everything containerd logs (level info), across restarts. */
  public LogFile log() {
    return new LogFile(Path.of(paths.get("LOG")));
  }

  /**
   * The container's rootfs as mounted in the host mount namespace: writable even for a read-only
   * rootfs container (docs/architecture.md, "Runtime facts").
   */
  public Path taskRootfs(String containerId) {
    return stateDir()
        .resolve("io.containerd.runtime.v2.task/k8s.io")
        .resolve(containerId)
        .resolve("rootfs");
  }

  /** Imports an OCI archive into k8s.io (unpacked); {@code pin} keeps it from image GC. */
  public String importImage(Path ociTar, boolean pin) {
    List<String> args = new ArrayList<>(List.of("import", dir.toString(), ociTar.toString()));
    if (pin) {
      args.add("--pin");
    }
    return script("containerd.sh", args.toArray(String[]::new)).strip();
  }

  /**
   * Gives image {@code source} a second reference {@code target} ({@code ctr images tag}), as a
   * registry push of the same image under a newer tag would; returns {@code target}.
   */
  public String tagImage(String source, String target) {
    Shell.run(
        SCRIPT_TIMEOUT,
        List.of(
            paths.get("CTR"),
            "--address",
            socket().toString(),
            "--namespace",
            "k8s.io",
            "images",
            "tag",
            "--force",
            source,
            target));
    return target;
  }

  /** Imports {@code ociTar} unless {@code reference} is already there; returns the reference. */
  public String ensureImage(Path ociTar, String reference) {
    if (!cri.imagePresent(reference)) {
      String imported = importImage(ociTar, false);
      if (!imported.equals(reference)) {
        throw new IllegalStateException(ociTar + " holds " + imported + ", not " + reference);
      }
    }
    return reference;
  }

  /** Restarts only the daemon (containers, root and state stay), waits for CRI. */
  public Duration restart() {
    return timedStart("restart");
  }

  /**
   * Durations of the start and every restart, in order: e2e/containerd.sh until containerd's CRI
   * plugin is loaded (the first CRI call after it is timed as "Status").
   */
  public List<Duration> startDurations() {
    synchronized (starts) {
      return List.copyOf(starts);
    }
  }

  /** Stops containerd, its containers and shims, unmounts everything; prints the latencies. */
  @Override
  public void close() {
    try {
      cri.close();
    } finally {
      script("containerd.sh", "stop", dir.toString());
      writeReport();
      System.out.println(report());
    }
  }

  /** Human-readable summary: version, start durations and CRI latencies per method. */
  public String report() {
    return versionLine
        + "\ncontainerd starts: "
        + startDurations().stream().map(d -> d.toMillis() + " ms").toList()
        + "\nCRI latencies:\n  "
        + timings.summaries().stream().map(Object::toString).collect(Collectors.joining("\n  "));
  }

  /** Runs start/restart; the duration recorded is the script's (until CRI is loaded). */
  private Duration timedStart(String command) {
    long begin = System.nanoTime();
    script("containerd.sh", command, dir.toString());
    Duration took = Duration.ofNanos(System.nanoTime() - begin);
    synchronized (starts) {
      starts.add(took);
    }
    if (!cri.runtimeReady()) {
      throw new IllegalStateException("CRI answers but RuntimeReady is false; see " + log().path());
    }
    return took;
  }

  private String script(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add("env");
    command.add("CONTAINERD_VERSION=" + version.id());
    command.add(basedir.resolve("e2e").resolve(name).toString());
    command.addAll(List.of(args));
    return Shell.run(SCRIPT_TIMEOUT, command);
  }

  private static Map<String, String> parsePaths(String output) {
    return output
        .lines()
        .filter(l -> l.contains("="))
        .collect(
            Collectors.toMap(
                l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
  }

  /** Writes the report to {@code target/e2e/cri-latency-<version>.txt}. */
  private void writeReport() {
    try {
      Files.writeString(
          dir.resolveSibling("cri-latency-" + version.id() + ".txt"), report() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("write latency report", e);
    }
  }
}
