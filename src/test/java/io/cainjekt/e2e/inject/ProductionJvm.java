// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the plugin as the DaemonSet does. Every plugin the tests start already gets the image's JVM
 * options ({@code bin/jvm.options}, added by {@code PluginProcess}); this adds the memory limit the
 * JVM in the pod would read from its cgroup. The AOT cache of the image is not used (it needs the
 * image's training run). {@link InjectingPlugin} and {@code PluginLaunch} take a {@code java} to
 * run; this is a two-line wrapper script around the test JVM's java that adds the flag.
 */
final class ProductionJvm {

  /**
   * {@code -XX:MaxRAM=256m}: the chart's memory limit (values.yaml resources.limits.memory), which
   * sizes the heap through {@code -XX:MaxRAMPercentage} of bin/jvm.options; on this host the JVM
   * would see all of the machine's memory.
   */
  static final List<String> FLAGS = List.of("-XX:MaxRAM=256m");

  private ProductionJvm() {}

  /** {@link InjectingPlugin} with CorpCA as its bundle, run with these flags. */
  static InjectingPlugin plugin(Containerd containerd, Path workDir) throws IOException {
    return plugin(containerd, workDir, Pki.caCertificate(Ca.CORP_CA));
  }

  /** The same with {@code bundle} as its only bundle. */
  static InjectingPlugin plugin(Containerd containerd, Path workDir, Path bundle)
      throws IOException {
    return plugin(containerd, workDir, bundle, List.of());
  }

  /**
   * The same with {@code extraFlags} after these flags (e.g. native memory tracking), and {@code
   * pluginArgs} after the plugin's own (e.g. {@code --caches-off=trust}).
   */
  static InjectingPlugin plugin(
      Containerd containerd,
      Path workDir,
      Path bundle,
      List<String> extraFlags,
      String... pluginArgs)
      throws IOException {
    return InjectingPlugin.start(
        containerd, workDir, bundle, java(workDir.resolve("jvm"), extraFlags), pluginArgs);
  }

  /** Writes the wrapper into {@code dir} and returns it. */
  static Optional<Path> java(Path dir) throws IOException {
    return java(dir, List.of());
  }

  private static Optional<Path> java(Path dir, List<String> extraFlags) throws IOException {
    Path java = ProcessSample.jdkTool("java");
    Path wrapper = dir.resolve("java-production-flags");
    Files.createDirectories(dir);
    List<String> flags = new ArrayList<>(FLAGS);
    flags.addAll(extraFlags);
    Files.writeString(
        wrapper, "#!/bin/sh\nexec '" + java + "' " + String.join(" ", flags) + " \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return Optional.of(wrapper);
  }
}
