// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import io.cainjekt.inject.InjectionContext;
import io.cainjekt.inject.InjectionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The changes the OS store processor decided on, collected before anything is written so that a
 * read error anywhere leaves the root untouched. Not thread-safe; one per run.
 */
final class OsStorePlan {

  private final Set<String> directories = new LinkedHashSet<>();
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final Map<String, String> links = new LinkedHashMap<>();

  void directory(String containerPath) {
    directories.add(containerPath);
  }

  void file(String containerPath, byte[] content) {
    files.put(containerPath, content);
  }

  void link(String containerPath, String target) {
    links.put(containerPath, target);
  }

  boolean isEmpty() {
    return files.isEmpty() && links.isEmpty();
  }

  /** Directories first, then files, then links (which point at the files). */
  void apply(InjectionContext context) throws IOException {
    for (String dir : directories) {
      try {
        context.createDirectories(dir);
      } catch (IOException e) {
        throw new InjectionException(dir, "create directory", e);
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

  /** One certificate as a PEM block: anchor files hold exactly one (DESIGN section 5). */
  static byte[] pem(byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
