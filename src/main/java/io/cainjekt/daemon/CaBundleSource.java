// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configured CA bundle: a PEM file or a directory of them, with the name pods select it by
 * ({@code <prefix>/bundle}).
 *
 * @param name selection name
 * @param path file or directory
 */
public record CaBundleSource(String name, Path path) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  public CaBundleSource {
    Objects.requireNonNull(path, "path");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "bundle name '" + name + "' must be 1-63 letters, digits, '.', '_' or '-'");
    }
  }

  /**
   * Parses {@code [NAME=]PATH}; without a name, the file name without extension names it.
   *
   * @throws IllegalArgumentException for an empty path or a bad name
   */
  public static CaBundleSource parse(String spec) {
    int eq = spec.indexOf('=');
    String name = eq > 0 ? spec.substring(0, eq) : null;
    String path = eq > 0 ? spec.substring(eq + 1) : spec;
    if (path.isBlank()) {
      throw new IllegalArgumentException("'" + spec + "' names no path");
    }
    Path p = Path.of(path);
    if (name == null) {
      String file = p.getFileName() == null ? "default" : p.getFileName().toString();
      int dot = file.indexOf('.');
      name = dot > 0 ? file.substring(0, dot) : file;
    }
    return new CaBundleSource(name, p);
  }
}
