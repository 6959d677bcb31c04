// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A ConfigMap volume as the kubelet's atomic writer projects it: the keys live in a timestamped
 * directory {@code ..<timestamp>}, {@code ..data} is a symlink to it, and each key is a symlink
 * {@code KEY -> ..data/KEY}. An update writes a new timestamped directory, points a temporary
 * symlink at it, renames that over {@code ..data} (the one atomic step) and removes the old
 * directory, so a reader sees either the old or the new set of keys. Not thread-safe.
 */
final class ConfigMapProjection {

  private final Path dir;
  private final AtomicInteger generation = new AtomicInteger();

  private ConfigMapProjection(Path dir) {
    this.dir = dir;
  }

  /** Projects {@code data} (key to content) into {@code dir}, which is created. */
  static ConfigMapProjection project(Path dir, Map<String, String> data) throws IOException {
    Files.createDirectories(dir);
    ConfigMapProjection projection = new ConfigMapProjection(dir);
    projection.update(data);
    return projection;
  }

  /** The directory the volume is mounted from. */
  Path dir() {
    return dir;
  }

  /** Replaces the projected keys with {@code data}, swapping {@code ..data} atomically. */
  void update(Map<String, String> data) throws IOException {
    Path data1 = dir.resolve("..data");
    Path old = Files.isSymbolicLink(data1) ? dir.resolve(Files.readSymbolicLink(data1)) : null;
    String name = "..%d_%02d".formatted(System.currentTimeMillis(), generation.incrementAndGet());
    Path fresh = Files.createDirectory(dir.resolve(name));
    for (Map.Entry<String, String> e : data.entrySet()) {
      Files.writeString(fresh.resolve(e.getKey()), e.getValue());
    }
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(name));
    Files.move(tmp, data1, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String key : data.keySet()) {
      Path link = dir.resolve(key);
      if (!Files.isSymbolicLink(link)) {
        Files.createSymbolicLink(link, Path.of("..data", key));
      }
    }
    if (old != null) {
      try (var files = Files.list(old)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(old);
    }
  }
}
