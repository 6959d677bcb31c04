// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Collectors;

/** Loads golden {@code .hex} files: '#' lines are comments, the rest is hex with any spacing. */
public final class GoldenHex {

  private GoldenHex() {}

  /** The bytes of {@code /wire/<name>} on the test class path. */
  public static byte[] load(String name) {
    try (InputStream in = GoldenHex.class.getResourceAsStream("/wire/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no golden file /wire/" + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return parse(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses hex text, ignoring '#' comment lines and whitespace. */
  public static byte[] parse(String text) {
    String hex =
        text.lines()
            .filter(l -> !l.stripLeading().startsWith("#"))
            .map(l -> l.replaceAll("\\s", ""))
            .collect(Collectors.joining());
    return HexFormat.of().parseHex(hex);
  }
}
