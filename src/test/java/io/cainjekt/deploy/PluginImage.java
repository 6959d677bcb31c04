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

  /** Builds {@code tag} from the repository's Dockerfile and imports it into {@code containerd}. */
  static PluginImage buildAndImport(Containerd containerd, String tag) {
    long start = System.nanoTime();
    String output =
        Shell.run(
            BUILD_TIMEOUT,
            List.of(
                containerd.basedir().resolve("deploy/image/build.sh").toString(), "--tag", tag));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    String result =
        output
            .lines()
            .filter(l -> l.startsWith("image="))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new IllegalStateException("build.sh printed no result: " + output));
    PluginImage image =
        new PluginImage(
            field(result, "image"),
            Path.of(field(result, "archive")),
            Long.parseLong(field(result, "bytes")),
            took);
    String imported = containerd.importImage(image.archive(), false);
    if (!imported.equals(image.reference())) {
      throw new IllegalStateException(image.archive() + " holds " + imported);
    }
    return image;
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
