// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The images of e2e/hostile-images.sh, built (cached in e2e/.cache) and imported. */
final class HostileImages {

  private HostileImages() {}

  /** Builds and imports the image of {@code name} (e.g. {@code bundle-fifo}); its reference. */
  static String ensure(Containerd containerd, String name) {
    Path dir = containerd.basedir().resolve("e2e/.cache/hostile-images");
    Shell.run(
        Duration.ofMinutes(5),
        List.of(containerd.basedir().resolve("e2e/hostile-images.sh").toString(), dir.toString()));
    return containerd.ensureImage(
        dir.resolve("hostile-" + name + ".tar"),
        "localhost/cainjekt-e2e/hostile-" + name + ":latest");
  }
}
