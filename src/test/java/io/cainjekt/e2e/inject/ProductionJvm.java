// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * Runs the plugin with the JVM flags of the image's ENTRYPOINT (Dockerfile: Serial GC, heap at 60 %
 * of the memory the JVM sees, no hsperfdata file) instead of the test JVM's defaults (G1, 25 %), so
 * memory figures are those of the DaemonSet. The AOT cache of the image is not used (it needs the
 * image's training run). {@link InjectingPlugin} and {@code PluginProcess} take a {@code java} to
 * run; this is a two-line wrapper script around the test JVM's java that adds the flags.
 */
final class ProductionJvm {

  /**
   * The Dockerfile ENTRYPOINT's flags, without the AOT cache, plus {@code -XX:MaxRAM=256m}: the
   * chart's memory limit (values.yaml resources.limits.memory), which the JVM in the pod reads from
   * its cgroup and sizes its heap from; on this host it would see all of the machine's memory.
   */
  static final List<String> FLAGS =
      List.of("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=60", "-XX:-UsePerfData", "-XX:MaxRAM=256m");

  private ProductionJvm() {}

  /** {@link InjectingPlugin} with CorpCA as its bundle, run with these flags. */
  static InjectingPlugin plugin(Containerd containerd, Path workDir) throws IOException {
    return InjectingPlugin.start(
        containerd, workDir, Pki.caCertificate(Ca.CORP_CA), java(workDir.resolve("jvm")));
  }

  /** Writes the wrapper into {@code dir} and returns it. */
  static Optional<Path> java(Path dir) throws IOException {
    Path java = ProcessSample.jdkTool("java");
    Path wrapper = dir.resolve("java-production-flags");
    Files.createDirectories(dir);
    Files.writeString(
        wrapper, "#!/bin/sh\nexec '" + java + "' " + String.join(" ", FLAGS) + " \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return Optional.of(wrapper);
  }
}
