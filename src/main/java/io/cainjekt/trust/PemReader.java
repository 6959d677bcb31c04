// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Splits PEM text into blocks. Text outside blocks is ignored; a block's body is kept only as
 * decoded bytes and never appears in a message. Stateless and thread-safe.
 */
final class PemReader {

  static final String CERTIFICATE = "CERTIFICATE";
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";
  private static final int MAX_LABEL_CHARS = 40;

  private PemReader() {}

  /** One PEM block, or a malformed one (then {@code problem} is set and {@code der} is empty). */
  record Block(int index, String label, byte[] der, String problem) {
    boolean malformed() {
      return problem != null;
    }

    String describe() {
      return "PEM block " + index + " (" + label + ")";
    }
  }

  static List<Block> read(byte[] pem) {
    String text = new String(pem, StandardCharsets.ISO_8859_1);
    List<Block> blocks = new ArrayList<>();
    String label = null;
    StringBuilder body = new StringBuilder();
    int index = 0;
    for (String raw : (Iterable<String>) text.lines()::iterator) {
      String line = raw.strip();
      if (line.startsWith(BEGIN)) {
        if (label != null) {
          blocks.add(malformed(index, label, "no END line before the next BEGIN"));
        }
        index++;
        label = labelOf(line, BEGIN);
        body.setLength(0);
        if (label == null) {
          blocks.add(malformed(index, "?", "BEGIN line is malformed"));
        }
      } else if (line.startsWith(END)) {
        if (label != null) {
          blocks.add(finish(index, label, labelOf(line, END), body));
        }
        label = null;
      } else if (label != null) {
        body.append(line);
      } else if (line.contains(BEGIN)) {
        index++;
        blocks.add(malformed(index, "?", "BEGIN marker not at the start of a line"));
      }
    }
    if (label != null) {
      blocks.add(malformed(index, label, "no END line"));
    }
    return blocks;
  }

  private static Block finish(int index, String label, String endLabel, StringBuilder body) {
    if (!label.equals(endLabel)) {
      return malformed(index, label, "END line does not match BEGIN");
    }
    if (!label.equals(CERTIFICATE)) {
      return new Block(index, label, new byte[0], null); // never decode keys or other material
    }
    try {
      return new Block(index, label, Base64.getDecoder().decode(body.toString()), null);
    } catch (IllegalArgumentException e) {
      return malformed(index, label, "body is not base64");
    }
  }

  private static Block malformed(int index, String label, String problem) {
    return new Block(index, label, new byte[0], problem);
  }

  /** The label between the marker and the closing dashes, made printable; null if malformed. */
  private static String labelOf(String line, String marker) {
    if (!line.endsWith(DASHES) || line.length() < marker.length() + DASHES.length()) {
      return null;
    }
    String label = line.substring(marker.length(), line.length() - DASHES.length());
    StringBuilder safe = new StringBuilder();
    label
        .codePoints()
        .limit(MAX_LABEL_CHARS)
        .forEach(c -> safe.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return safe.toString();
  }
}
