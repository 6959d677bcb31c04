// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A directory laid out like kubelet's ConfigMap volume: {@code ..<generation>/} holds the files,
 * {@code ..data} links to it, each key is a symlink {@code key -> ..data/key}; an update writes a
 * new generation and renames a fresh {@code ..data_tmp} link over {@code ..data}.
 */
final class ConfigMapDir {

  private final Path dir;
  private int generation;

  ConfigMapDir(Path dir) {
    this.dir = dir;
  }

  Path path() {
    return dir;
  }

  void publish(Map<String, String> files) throws IOException {
    Path old =
        Files.isSymbolicLink(dir.resolve("..data"))
            ? Files.readSymbolicLink(dir.resolve("..data"))
            : null;
    String name = "..2026_11_27_00_00_00." + (++generation);
    Path gen = Files.createDirectories(dir.resolve(name));
    for (Map.Entry<String, String> e : files.entrySet()) {
      Files.writeString(gen.resolve(e.getKey()), e.getValue(), StandardCharsets.US_ASCII);
    }
    Path tmp = dir.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, Path.of(name));
    Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    for (String key : files.keySet()) {
      Path link = dir.resolve(key);
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of("..data", key));
      }
    }
    if (old != null) {
      try (var entries = Files.list(dir.resolve(old))) {
        for (Path p : entries.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir.resolve(old));
    }
  }
}
