// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the raw bytes of a {@link NamedSource} (a file, or the {@code *.pem}/{@code *.crt} files of
 * a directory, skipping hidden entries such as a ConfigMap's {@code ..data}) and parses them
 * strictly, within {@link BundleLimits}: the files' sizes are checked before any is read, and reads
 * stop one byte past the limit (a file growing meanwhile); the certificates are counted after each
 * file. Symlinks are followed: this is the plugin's own configuration, not a container root.
 * Stateless and thread-safe.
 */
final class BundleSourceReader {

  private BundleSourceReader() {}

  /** The raw files of one source, in name order, and a hash over names and bytes. */
  record Snapshot(List<SourceFile> files, Fingerprint rawHash) {
    Snapshot {
      files = List.copyOf(files);
    }
  }

  /** One file of a source. */
  record SourceFile(Path path, byte[] content) {}

  static Snapshot snapshot(NamedSource source, BundleLimits limits) throws TrustBundleException {
    Path path = source.path();
    try {
      List<Path> paths = Files.isDirectory(path) ? bundleFiles(path) : List.of(path);
      if (paths.isEmpty()) {
        throw new TrustBundleException(
            "read bundle " + source.name() + " from " + path + ": no *.pem or *.crt file");
      }
      checkSizes(source, paths, limits.maxBytes());
      List<SourceFile> files = new ArrayList<>();
      MessageDigest digest = Fingerprint.digest();
      long total = 0;
      for (Path file : paths) {
        byte[] content = readCapped(source, file, total, limits.maxBytes());
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

  static PemBundle parse(NamedSource source, Snapshot snapshot, BundleLimits limits)
      throws TrustBundleException {
    List<PemBundle> parts = new ArrayList<>();
    Set<Fingerprint> distinct = new HashSet<>();
    for (SourceFile file : snapshot.files()) {
      PemBundle part = PemBundle.parseStrict(file.path().toString(), file.content());
      part.certificates().forEach(c -> distinct.add(c.fingerprint()));
      if (distinct.size() > limits.maxCertificates()) {
        throw new OversizedBundleException(
            source.name(),
            file.path(),
            OversizedBundleException.Measure.CERTIFICATES,
            distinct.size(),
            limits.maxCertificates());
      }
      parts.add(part);
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

  /** Refuses a source whose files are not regular or hold more than {@code maxBytes} together. */
  private static void checkSizes(NamedSource source, List<Path> paths, long maxBytes)
      throws IOException {
    long total = 0;
    for (Path file : paths) {
      if (!Files.isRegularFile(file)) {
        throw new TrustBundleException("read bundle file " + file + ": not a regular file");
      }
      total += Files.size(file);
      if (total > maxBytes) {
        throw oversized(source, file, total, maxBytes);
      }
    }
  }

  /**
   * The file's bytes, refused once they bring the source past {@code maxBytes} (a file grown since
   * {@link #checkSizes}; the amount reported is then where the read stopped).
   */
  private static byte[] readCapped(NamedSource source, Path file, long before, long maxBytes)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] content = in.readNBytes((int) (maxBytes - before));
      if (in.read() != -1) {
        throw oversized(source, file, before + content.length + 1, maxBytes);
      }
      return content;
    }
  }

  private static OversizedBundleException oversized(
      NamedSource source, Path file, long bytes, long maxBytes) {
    return new OversizedBundleException(
        source.name(), file, OversizedBundleException.Measure.BYTES, bytes, maxBytes);
  }
}
