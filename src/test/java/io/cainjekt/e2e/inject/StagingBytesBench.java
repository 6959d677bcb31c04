// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.Containerd;
import io.cainjekt.e2e.ContainerdExtension;
import io.cainjekt.e2e.PodSpec;
import io.cainjekt.e2e.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: bytes of the staging directory (on a tmpfs, like /run/cainjekt on a node) for {@value
 * #CONTAINERS} running containers of one image, and for {@value #IMAGES} images that differ in
 * their own CA bundle ({@link BenchImages#busyboxVariants}) with {@value #PER_IMAGE} containers
 * each. Bytes are {@code du --apparent-size} of the whole directory (hard links counted once), the
 * disk usage {@code du -B1}, and the plugin's cainjekt_staged_bytes gauge (blob bytes). "Beyond one
 * copy" is the 300-container figure minus the 1-container figure (budget 1 MiB). Writes {@code
 * target/bench/staging.json}.
 */
@ExtendWith(ContainerdExtension.class)
class StagingBytesBench {

  static final int CONTAINERS = 300;
  static final int IMAGES = 10;
  static final int PER_IMAGE = 30;
  static final int PER_POD = 30;
  private static final Duration SHELL = Duration.ofSeconds(60);
  private static final Map<String, String> OPT_IN = Map.of("cainjekt.io/enabled", "true");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  private StagingTmpfs tmpfs;
  private final List<String> podIds = new ArrayList<>();
  private Containerd containerd;

  @AfterEach
  void cleanUp() {
    podIds.forEach(containerd.cri()::removePod);
    if (tmpfs != null) {
      tmpfs.close();
    }
  }

  @Test
  void containersOfOneImageShareOneCopyOfTheStagedFiles(Containerd ctrd) throws Exception {
    containerd = ctrd;
    List<String> variants = BenchImages.busyboxVariants(ctrd, work.resolve("images"), IMAGES);
    tmpfs = StagingTmpfs.mount(work);
    BenchReport r =
        new BenchReport(
            "staging",
            "staging bytes: " + CONTAINERS + " containers of one image, " + IMAGES + " images",
            ctrd);
    try (InjectingPlugin plugin = ProductionJvm.plugin(ctrd, work)) {
      assertThat(plugin.stagingDir()).isEqualTo(tmpfs.dir());
      Map<String, Long> empty = bytes(plugin);
      start(List.of(Containerd.BUSYBOX), 1, "one");
      Map<String, Long> one = bytes(plugin);
      start(List.of(Containerd.BUSYBOX), CONTAINERS - 1, "same");
      Map<String, Long> same = bytes(plugin);
      r.put("empty", empty).put("one_container", one).put("same_image_" + CONTAINERS, same);
      r.put("same_image_beyond_one_copy_bytes", same.get("du_apparent") - one.get("du_apparent"));
      r.put("same_image_beyond_one_copy_disk_bytes", same.get("du_disk") - one.get("du_disk"));
      removePods();
      Map<String, Long> removed = bytes(plugin);
      assertThat(removed.get("blobs"))
          .as("blobs after removal: the staged defaults kept for the next container, no more")
          .isLessThanOrEqualTo(SoakVerdict.KEPT_DEFAULT_BLOBS);
      start(variants, PER_IMAGE, "variants");
      Map<String, Long> many = bytes(plugin);
      r.put("after_removal", removed).put("images_" + IMAGES + "_x_" + PER_IMAGE, many);
      r.put("per_image_bytes", (many.get("du_apparent") - removed.get("du_apparent")) / IMAGES);
      removePods();
      r.write(ctrd.basedir());
      assertThat(PluginLog.count(plugin.process().log().lines(), "inject: failed")).isZero();
    }
  }

  /** Starts {@code perImage} containers of each image, {@value #PER_POD} per opted-in pod. */
  private void start(List<String> images, int perImage, String prefix) {
    int n = 0;
    String podId = null;
    PodSpec pod = null;
    for (String image : images) {
      for (int i = 0; i < perImage; i++, n++) {
        if (n % PER_POD == 0) {
          pod = PodSpec.of("e2e-staging", prefix + "-" + n / PER_POD).withAnnotations(OPT_IN);
          podId = containerd.cri().runPodSandbox(pod);
          podIds.add(podId);
        }
        ContainerCycle.createAndStart(
            containerd.cri(), podId, pod, ContainerCycle.sleeper("c" + n, image));
      }
    }
  }

  private void removePods() {
    podIds.forEach(containerd.cri()::removePod);
    podIds.clear();
  }

  private Map<String, Long> bytes(InjectingPlugin plugin) throws Exception {
    String dir = plugin.stagingDir().toString();
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("du_apparent", du(List.of("du", "-s", "-B1", "--apparent-size", dir)));
    m.put("du_disk", du(List.of("du", "-s", "-B1", dir)));
    m.put("gauge_staged_bytes", (long) plugin.sample("cainjekt_staged_bytes"));
    try (var blobs = Files.list(plugin.stagingDir().resolve("blobs"))) {
      m.put("blobs", blobs.count());
    }
    try (var dirs = Files.list(plugin.stagingDir().resolve("containers"))) {
      m.put("container_dirs", dirs.count());
    }
    return m;
  }

  private static long du(List<String> command) {
    return Long.parseLong(Shell.run(SHELL, command).split("\\s+")[0]);
  }
}
