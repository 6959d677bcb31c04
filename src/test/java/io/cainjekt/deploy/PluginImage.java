// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The plugin image of one tag, built by deploy/image/build.sh (buildah, local base images) and
 * imported into a containerd.
 *
 * @param reference the image reference, {@code localhost/cainjekt:TAG}
 * @param archive the OCI archive the build wrote
 * @param unpackedBytes the size of the image's unpacked layers
 * @param buildTime how long the build took, the bases included
 */
record PluginImage(String reference, Path archive, long unpackedBytes, Duration buildTime) {

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(25);

  /** The one build of this test JVM: every IT runs the same Dockerfile on the same sources. */
  private static PluginImage built;

  /**
   * The image from the repository's Dockerfile as {@code localhost/cainjekt:TAG} in {@code
   * containerd}. The first call builds it (its {@link #buildTime} is that build's); later calls
   * import the same archive and tag it, so the ITs of one run do not rebuild the same bits.
   */
  static synchronized PluginImage buildAndImport(Containerd containerd, String tag) {
    if (built == null) {
      built = build(containerd.basedir(), tag);
    }
    String imported = containerd.importImage(built.archive(), false);
    if (!imported.equals(built.reference())) {
      throw new IllegalStateException(built.archive() + " holds " + imported);
    }
    String reference = "localhost/cainjekt:" + tag;
    if (!reference.equals(imported)) {
      containerd.tagImage(imported, reference);
    }
    return new PluginImage(reference, built.archive(), built.unpackedBytes(), built.buildTime());
  }

  private static PluginImage build(Path basedir, String tag) {
    long start = System.nanoTime();
    String output =
        Shell.run(
            BUILD_TIMEOUT,
            List.of(basedir.resolve("deploy/image/build.sh").toString(), "--tag", tag));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    String result =
        output
            .lines()
            .filter(l -> l.startsWith("image="))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new IllegalStateException("build.sh printed no result: " + output));
    return new PluginImage(
        field(result, "image"),
        Path.of(field(result, "archive")),
        Long.parseLong(field(result, "bytes")),
        took);
  }

  /** The value of {@code key=VALUE} in a line of space-separated fields. */
  private static String field(String line, String key) {
    for (String f : line.split(" ")) {
      if (f.startsWith(key + "=")) {
        return f.substring(key.length() + 1);
      }
    }
    throw new IllegalStateException("no " + key + "= in " + line);
  }
}
