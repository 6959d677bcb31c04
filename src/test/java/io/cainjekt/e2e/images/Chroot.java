// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs a command in an image's root filesystem without containerd: {@code chroot} inside a private
 * mount and pid namespace ({@code unshare}), with /proc, /dev and a tmpfs /tmp mounted there, so
 * every mount vanishes with the command. The cached rootfs is never written: it is bind-mounted
 * read-only, or, for {@link #withSetup}, used as the lower layer of an overlay whose upper layer is
 * deleted afterwards. The host network is shared (servers on 127.0.0.1 are reachable). Needs root.
 * Thread-safe (immutable).
 */
public final class Chroot {

  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final String SCRIPT =
      """
      set -e
      root=$1 share=$2 upper=$3 setup=$4
      shift 4
      if [ -n "$upper" ]; then
        mkdir -p "$upper/u" "$upper/w" "$upper/m"
        mount -t overlay overlay -o "lowerdir=$root,upperdir=$upper/u,workdir=$upper/w" "$upper/m"
        root=$upper/m
      else
        mount --bind "$root" "$root"
        mount -o remount,bind,ro "$root"
      fi
      mount -t proc proc "$root/proc"
      mount --rbind /dev "$root/dev"
      mount -t tmpfs tmpfs "$root/tmp"
      if [ -n "$share" ]; then
        mount --bind "$share" "$root/mnt"
        mount -o remount,bind,ro "$root/mnt"
      fi
      if [ -n "$setup" ]; then
        chroot "$root" /bin/sh -ec "$setup" >&2
      fi
      exec chroot "$root" "$@"
      """;

  private final Path rootfs;
  private final Optional<Path> share;
  private final Optional<String> setup;

  private Chroot(Path rootfs, Optional<Path> share, Optional<String> setup) {
    this.rootfs = Objects.requireNonNull(rootfs, "rootfs");
    this.share = share;
    this.setup = setup;
  }

  /** Read-only view of {@code rootfs}. */
  public static Chroot of(Path rootfs) {
    return new Chroot(rootfs, Optional.empty(), Optional.empty());
  }

  /** The same, with the host directory {@code share} visible read-only at /mnt. */
  public Chroot withShare(Path share) {
    return new Chroot(rootfs, Optional.of(share), setup);
  }

  /**
   * The same on a throw-away writable copy (overlay) of the rootfs, in which {@code shellScript}
   * runs as root ({@code /bin/sh -e}) before each command.
   */
  public Chroot withSetup(String shellScript) {
    return new Chroot(rootfs, share, Optional.of(shellScript));
  }

  /** Runs {@code command} with exactly {@code env} (plus PATH, HOME and LANG). */
  public ExecResult exec(List<String> command, Map<String, String> env, Duration limit)
      throws IOException, InterruptedException {
    Path scratch = Files.createTempDirectory("cainjekt-chroot-");
    try {
      List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork"));
      argv.addAll(List.of("--propagation", "private", "/bin/sh", "-c", SCRIPT, "chroot"));
      argv.add(rootfs.toString());
      argv.add(share.map(Path::toString).orElse(""));
      argv.add(setup.isPresent() ? scratch.resolve("overlay").toString() : "");
      argv.add(setup.orElse(""));
      argv.addAll(List.of("/usr/bin/env", "-i", "PATH=" + PATH, "HOME=/root", "LANG=C.UTF-8"));
      env.forEach((key, value) -> argv.add(key + "=" + value));
      argv.addAll(command);
      return run(argv, scratch, limit);
    } finally {
      deleteTree(scratch);
    }
  }

  private static ExecResult run(List<String> argv, Path scratch, Duration limit)
      throws IOException, InterruptedException {
    Path out = scratch.resolve("stdout");
    Path err = scratch.resolve("stderr");
    int exit =
        TimedProcess.run(
            new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()),
            limit);
    return new ExecResult(
        exit,
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
