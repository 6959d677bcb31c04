// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a hostile image might make the plugin change on the host: the SHA-256 of chosen files and
 * the entry names (with symlink targets) of chosen directories. Two snapshots are equal when
 * nothing of that changed.
 */
record HostSnapshot(Map<String, String> entries) {

  static HostSnapshot of(List<Path> files, List<Path> directories) {
    Map<String, String> out = new TreeMap<>();
    for (Path f : files) {
      out.put("file " + f, Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? sha256(f) : "-");
    }
    for (Path d : directories) {
      out.put("dir " + d, Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) ? listing(d) : "-");
    }
    return new HostSnapshot(out);
  }

  private static String listing(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return String.join(
          ",",
          entries
              .map(e -> e.getFileName() + (Files.isSymbolicLink(e) ? "->" + target(e) : ""))
              .sorted()
              .toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
