// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every entry below a directory (without following symlinks) with its kind and content hash or link
 * target: equal snapshots before and after prove that nothing was written there.
 */
public final class TreeSnapshot {

  private TreeSnapshot() {}

  public static Map<String, String> of(Path dir) {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        entries.put(dir.relativize(p).toString(), describe(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  private static String describe(Path p) throws IOException {
    if (Files.isSymbolicLink(p)) {
      return "link " + Files.readSymbolicLink(p);
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return "dir " + Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    }
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return "special";
    }
    if (Files.size(p) > (64 << 20)) {
      return "large " + Files.size(p);
    }
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
      return "file " + Files.getPosixFilePermissions(p) + " " + HexFormat.of().formatHex(sha);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
