// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import com.google.protobuf.ByteString;
import io.cainjekt.inject.InjectionContext;
import io.cainjekt.inject.InjectionException;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.CaCertificate;
import io.cainjekt.trust.Fingerprint;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The changes the OS store processor decided on, collected before anything is written so that a
 * read error anywhere leaves the root untouched. Not thread-safe; one per run.
 */
final class OsStorePlan {

  private final Set<String> directories = new LinkedHashSet<>();
  private final Map<String, ByteString> files = new LinkedHashMap<>();
  private final Map<String, String> links = new LinkedHashMap<>();
  private final Set<String> deletes = new LinkedHashSet<>();

  void directory(String containerPath) {
    directories.add(containerPath);
  }

  void file(String containerPath, ByteString content) {
    files.put(containerPath, content);
  }

  void link(String containerPath, String target) {
    links.put(containerPath, target);
    deletes.remove(containerPath); // replaced, not removed
  }

  /** Plans the removal of a file or symlink of ours. */
  void delete(String containerPath) {
    deletes.add(containerPath);
  }

  /** Takes back a planned removal: the entry stays as it is. */
  void keep(String containerPath) {
    deletes.remove(containerPath);
  }

  /** True when {@code containerPath} is planned to be removed: its name is free again. */
  boolean deletes(String containerPath) {
    return deletes.contains(containerPath);
  }

  boolean isEmpty() {
    return files.isEmpty() && links.isEmpty() && deletes.isEmpty();
  }

  /**
   * Plans the removal of the files of ours in {@code dir} ({@link #fileName} names) that earlier
   * runs created and whose CA is not {@code current}: only while the file still holds exactly that
   * CA. One the container changed is left alone and reported as drift.
   */
  void removeOwnedFiles(InjectionContext context, String dir, Set<String> current)
      throws IOException {
    for (String path : context.previous().files()) {
      if (!path.startsWith(dir + "/") || current.contains(path)) {
        continue;
      }
      String name = path.substring(dir.length() + 1);
      Optional<Fingerprint> named = fingerprintOf(name);
      Optional<ByteString> content;
      try {
        content = context.root().readIfExists(path, context.trustStoreCap());
      } catch (IOException e) {
        context.drift(path, "changed by the container (" + e.getMessage() + "); left alone");
        continue;
      }
      if (content.isEmpty()) {
        continue; // the container removed it already
      }
      List<CaCertificate> held = context.memo().parseLenient(path, content.get()).certificates();
      if (named.isPresent()
          && held.size() == 1
          && held.getFirst().fingerprint().equals(named.get())) {
        delete(path);
      } else {
        context.drift(path, "changed by the container; left alone");
      }
    }
  }

  /**
   * Plans the removal of the link {@code dir/name} that an earlier run made pointing at {@code
   * target}, while it still points there; one the container changed is left alone.
   */
  void removeOwnedLink(InjectionContext context, String dir, String name, String target)
      throws IOException {
    RootFs root = context.root();
    if (root.isDirectory(dir) && root.linkTarget(dir, name).filter(target::equals).isPresent()) {
      delete(dir + "/" + name);
    }
  }

  /** Directories first, then removals, then files, then links (which point at the files). */
  void apply(InjectionContext context) throws IOException {
    for (String dir : directories) {
      try {
        context.createDirectories(dir);
      } catch (IOException e) {
        throw new InjectionException(dir, "create directory", e);
      }
    }
    for (String path : deletes) {
      try {
        context.delete(path);
      } catch (IOException e) {
        throw new InjectionException(path, "remove", e);
      }
    }
    for (var f : files.entrySet()) {
      try {
        context.write(f.getKey(), f.getValue());
      } catch (IOException e) {
        throw new InjectionException(f.getKey(), "write", e);
      }
    }
    for (var l : links.entrySet()) {
      try {
        context.symlink(l.getKey(), l.getValue());
      } catch (IOException e) {
        throw new InjectionException(l.getKey(), "link", e);
      }
    }
  }

  /**
   * Plans our one-certificate file {@code path} holding {@code pem}: written when missing or
   * different, and owned then or when an earlier run owned it. A file of an earlier run's that the
   * container removed or changed is written again once and reported as drift.
   */
  void ownFile(InjectionContext context, String path, ByteString pem) throws IOException {
    Optional<ByteString> existing = OsStoreProcessor.readIfPresent(context, path);
    boolean ours = context.previous().files().contains(path);
    if (existing.isEmpty() || !existing.get().equals(pem)) {
      file(path, pem);
      context.ownFile(path);
      if (ours) {
        context.drift(
            path,
            (existing.isEmpty() ? "removed" : "changed") + " by the container; written again");
      }
    } else if (ours) {
      context.ownFile(path);
    }
  }

  /** The name of our file for {@code ca} in a directory: {@code cainjekt-<sha256 hex><suffix>}. */
  static String fileName(CaCertificate ca, String suffix) {
    return FILE_PREFIX + ca.fingerprint().hex() + suffix;
  }

  /** The fingerprint a {@link #fileName} carries. */
  static Optional<Fingerprint> fingerprintOf(String name) {
    if (!name.startsWith(FILE_PREFIX) || name.length() < FILE_PREFIX.length() + 64) {
      return Optional.empty();
    }
    try {
      String hex = name.substring(FILE_PREFIX.length(), FILE_PREFIX.length() + 64);
      return Optional.of(new Fingerprint(HexFormat.of().parseHex(hex)));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not one of our names
    }
  }

  private static final String FILE_PREFIX = "cainjekt-";
}
