// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.Shell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Images for the e2e benchmarks: the runtime busybox, the e2e/images set (debian-tls, ...), and
 * busybox variants that differ in what staging depends on (the image's own OS CA bundle, which
 * seeds ca-bundle.pem, truststore.p12 and status.json). Thread-safe (stateless).
 */
final class BenchImages {

  private static final Duration PACK_TIMEOUT = Duration.ofMinutes(2);
  private static final Path HOST_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");

  private BenchImages() {}

  /** The containerd reference of {@code name}: "busybox" or an e2e/images name (built, cached). */
  static String reference(Containerd containerd, String name) throws Exception {
    if (name.equals("busybox")) {
      return Containerd.BUSYBOX;
    }
    return E2eImages.ensure(containerd, List.of(name)).get(name);
  }

  /**
   * {@code count} busybox variants, variant {@code k} with the first {@code 10 * (k + 1)}
   * certificates of the host's CA bundle as its {@code /etc/ssl/certs/ca-certificates.crt}; packed
   * under {@code workDir} and imported. Returns their references.
   */
  static List<String> busyboxVariants(Containerd containerd, Path workDir, int count)
      throws IOException {
    Path base = containerd.basedir().resolve("e2e/.cache/runtime-images/busybox.rootfs");
    List<String> certificates = certificates(Files.readString(HOST_BUNDLE));
    if (certificates.size() < 10 * count) {
      throw new IllegalStateException(
          HOST_BUNDLE + " holds " + certificates.size() + " certificates, need " + 10 * count);
    }
    Files.createDirectories(workDir);
    List<String> refs = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      Path rootfs = workDir.resolve("variant-" + k);
      Shell.run(PACK_TIMEOUT, List.of("cp", "-a", base.toString(), rootfs.toString()));
      Files.writeString(
          rootfs.resolve("etc/ssl/certs/ca-certificates.crt"),
          String.join("", certificates.subList(0, 10 * (k + 1))),
          StandardCharsets.US_ASCII);
      String ref = "localhost/cainjekt-e2e/busybox-variant-" + k + ":latest";
      Path tar = workDir.resolve("variant-" + k + ".tar");
      Shell.run(
          PACK_TIMEOUT,
          List.of(
              containerd.basedir().resolve("e2e/oci-pack.sh").toString(),
              "--cmd",
              "[\"/bin/sh\"]",
              "--env",
              "PATH=/bin",
              rootfs.toString(),
              ref,
              tar.toString()));
      refs.add(containerd.importImage(tar, false));
    }
    return refs;
  }

  /** The PEM blocks of a bundle, each with its END line and newline. */
  private static List<String> certificates(String bundle) {
    List<String> blocks = new ArrayList<>();
    String end = "-----END CERTIFICATE-----";
    int from = bundle.indexOf("-----BEGIN CERTIFICATE-----");
    while (from >= 0) {
      int to = bundle.indexOf(end, from) + end.length();
      blocks.add(bundle.substring(from, to) + "\n");
      from = bundle.indexOf("-----BEGIN CERTIFICATE-----", to);
    }
    return blocks;
  }
}
