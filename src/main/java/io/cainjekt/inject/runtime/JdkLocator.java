// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.runtime;

import io.cainjekt.inject.InjectionContext.Jdk;
import io.cainjekt.rootfs.RootFs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the JDKs of an image: the container's JAVA_HOME first, then the usual install locations. A
 * home counts when {@code bin/java} is a regular file; homes reached through different symlinks are
 * reported once. Thread-safe (stateless).
 */
final class JdkLocator {

  /** Directories whose subdirectories may be Java homes. */
  static final List<String> PARENTS = List.of("/usr/lib/jvm", "/usr/java", "/opt/java");

  /** Single Java homes used by common images (Temurin, the old openjdk images, distroless). */
  static final List<String> HOMES =
      List.of("/opt/java/openjdk", "/usr/lib/jvm/default-java", "/usr/local/java");

  private static final long MAX_RELEASE_BYTES = 64 << 10;
  private static final int MAX_CANDIDATES = 64;
  private static final Pattern VERSION =
      Pattern.compile("(?m)^JAVA_VERSION=\"?([0-9A-Za-z._+-]{1,40})");

  private JdkLocator() {}

  static List<Jdk> locate(RootFs root, Map<String, String> containerEnv) throws IOException {
    Set<String> candidates = new LinkedHashSet<>();
    String javaHome = containerEnv.getOrDefault("JAVA_HOME", "");
    if (javaHome.startsWith("/")) {
      candidates.add(trimSlash(javaHome));
    }
    candidates.addAll(HOMES);
    for (String parent : PARENTS) {
      if (root.isDirectory(parent)) {
        root.list(parent).forEach(name -> candidates.add(parent + "/" + name));
      }
    }
    (root.isDirectory("/usr/local") ? root.list("/usr/local") : List.<String>of())
        .stream()
            .filter(n -> n.startsWith("openjdk-") || n.startsWith("jdk"))
            .forEach(n -> candidates.add("/usr/local/" + n));
    List<Jdk> jdks = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (String home : candidates.stream().limit(MAX_CANDIDATES).toList()) {
      // Java homes are directories; checking that first keeps files such as /usr/lib/jvm/.x.jinfo
      // from being resolved as a parent (an error for the resolver).
      if (root.isDirectory(home)
          && root.isDirectory(home + "/bin")
          && root.isRegularFile(home + "/bin/java")
          && seen.add(root.resolve(home).hostPath())) {
        jdks.add(new Jdk(home, version(root, home), cacerts(root, home)));
      }
    }
    return jdks;
  }

  private static Optional<String> cacerts(RootFs root, String home) throws IOException {
    for (String dir : List.of(home + "/lib/security", home + "/jre/lib/security")) {
      String path = dir + "/cacerts";
      if (root.isDirectory(dir) && root.resolve(path).exists()) {
        return Optional.of(path);
      }
    }
    return Optional.empty();
  }

  private static String version(RootFs root, String home) {
    try {
      return root.readIfExists(home + "/release", MAX_RELEASE_BYTES)
          .map(b -> VERSION.matcher(b.toStringUtf8()))
          .filter(java.util.regex.Matcher::find)
          .map(m -> m.group(1))
          .orElse("");
    } catch (IOException ignored) {
      // The version is informational; an unreadable release file leaves it unknown.
      return "";
    }
  }

  private static String trimSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
