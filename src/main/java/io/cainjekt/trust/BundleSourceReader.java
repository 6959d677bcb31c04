// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the raw bytes of a {@link NamedSource} (a file, or the {@code *.pem}/{@code *.crt} files of
 * a directory, skipping hidden entries such as a ConfigMap's {@code ..data}) and parses them
 * strictly. Symlinks are followed: this is the plugin's own configuration, not a container root.
 * Stateless and thread-safe.
 */
final class BundleSourceReader {

  /** DESIGN section 6: bundles are read with a 16 MiB cap. */
  static final long MAX_BUNDLE_BYTES = 16L << 20;

  private BundleSourceReader() {}

  /** The raw files of one source, in name order, and a hash over names and bytes. */
  record Snapshot(List<SourceFile> files, Fingerprint rawHash) {
    Snapshot {
      files = List.copyOf(files);
    }
  }

  /** One file of a source. */
  record SourceFile(Path path, byte[] content) {}

  static Snapshot snapshot(NamedSource source) throws TrustBundleException {
    Path path = source.path();
    try {
      List<Path> paths = Files.isDirectory(path) ? bundleFiles(path) : List.of(path);
      if (paths.isEmpty()) {
        throw new TrustBundleException(
            "read bundle " + source.name() + " from " + path + ": no *.pem or *.crt file");
      }
      List<SourceFile> files = new ArrayList<>();
      MessageDigest digest = Fingerprint.digest();
      long total = 0;
      for (Path file : paths) {
        byte[] content = readCapped(file, MAX_BUNDLE_BYTES - total);
        total += content.length;
        files.add(new SourceFile(file, content));
        digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Fingerprint.digest().digest(content));
      }
      return new Snapshot(files, new Fingerprint(digest.digest()));
    } catch (TrustBundleException e) {
      throw e;
    } catch (IOException e) {
      throw new TrustBundleException("read bundle " + source.name() + " from " + path, e);
    }
  }

  static PemBundle parse(Snapshot snapshot) throws TrustBundleException {
    List<PemBundle> parts = new ArrayList<>();
    for (SourceFile file : snapshot.files()) {
      parts.add(PemBundle.parseStrict(file.path().toString(), file.content()));
    }
    return PemBundle.combine(parts);
  }

  private static List<Path> bundleFiles(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> isBundleName(p.getFileName().toString()))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
  }

  private static boolean isBundleName(String name) {
    return !name.startsWith(".") && (name.endsWith(".pem") || name.endsWith(".crt"));
  }

  private static byte[] readCapped(Path file, long maxBytes) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new TrustBundleException("read bundle file " + file + ": not a regular file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] content = in.readNBytes((int) Math.max(0, maxBytes));
      if (in.read() != -1) {
        throw new TrustBundleException(
            "read bundle file " + file + ": over the cap of " + MAX_BUNDLE_BYTES + " bytes");
      }
      return content;
    }
  }
}
