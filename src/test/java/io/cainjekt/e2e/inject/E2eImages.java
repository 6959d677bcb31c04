// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.images.TestImage;
import io.cainjekt.e2e.images.TestImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The test images of e2e/images, built (cached) and imported into the e2e containerd. */
public final class E2eImages {

  private E2eImages() {}

  /** Image name (e.g. {@code debian-tls}) to its reference in containerd. */
  public static Map<String, String> ensure(Containerd containerd, List<String> names)
      throws IOException, InterruptedException {
    Map<String, TestImage> images = TestImages.build(repo(), names, true);
    Map<String, String> refs = new LinkedHashMap<>();
    for (String name : names) {
      TestImage image = images.get(name);
      refs.put(name, containerd.ensureImage(image.archive().orElseThrow(), image.reference()));
    }
    return refs;
  }

  /** The image's root filesystem as built on the host (to compare bytes with a container). */
  static Path rootfs(String name) throws IOException, InterruptedException {
    return TestImages.build(repo(), List.of(name), true).get(name).rootfs();
  }

  static Path repo() {
    return Path.of(System.getProperty("cainjekt.basedir", ".")).toAbsolutePath();
  }
}
