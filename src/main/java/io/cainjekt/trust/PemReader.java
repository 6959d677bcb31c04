// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.ByteArrayOutputStream;
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

  /**
   * The blocks of {@code pem}, read as ISO-8859-1 lines ending in LF, CR or CRLF, each stripped of
   * white space at both ends ({@link Character#isWhitespace}). Works on the bytes: only marker
   * lines become strings, so an image's bundle of 3,500 lines costs one pass and one array per
   * block.
   */
  static List<Block> read(byte[] pem) {
    List<Block> blocks = new ArrayList<>();
    String label = null;
    ByteArrayOutputStream body = new ByteArrayOutputStream(); // a block's body lines, joined
    int index = 0;
    for (int start = 0; start < pem.length; ) {
      int end = start;
      while (end < pem.length && pem[end] != '\n' && pem[end] != '\r') {
        end++;
      }
      int next = end + (end + 1 < pem.length && pem[end] == '\r' && pem[end + 1] == '\n' ? 2 : 1);
      int from = start;
      int to = end;
      while (from < to && isWhitespace(pem[from])) {
        from++;
      }
      while (to > from && isWhitespace(pem[to - 1])) {
        to--;
      }
      if (startsWith(pem, from, to, BEGIN)) {
        if (label != null) {
          blocks.add(malformed(index, label, "no END line before the next BEGIN"));
        }
        index++;
        label = labelOf(latin1(pem, from, to), BEGIN);
        body.reset();
        if (label == null) {
          blocks.add(malformed(index, "?", "BEGIN line is malformed"));
        }
      } else if (startsWith(pem, from, to, END)) {
        if (label != null) {
          blocks.add(finish(index, label, labelOf(latin1(pem, from, to), END), body));
        }
        label = null;
      } else if (label != null) {
        body.write(pem, from, to - from);
      } else if (latin1(pem, from, to).contains(BEGIN)) {
        index++;
        blocks.add(malformed(index, "?", "BEGIN marker not at the start of a line"));
      }
      start = next;
    }
    if (label != null) {
      blocks.add(malformed(index, label, "no END line"));
    }
    return blocks;
  }

  private static Block finish(
      int index, String label, String endLabel, ByteArrayOutputStream body) {
    if (!label.equals(endLabel)) {
      return malformed(index, label, "END line does not match BEGIN");
    }
    if (!label.equals(CERTIFICATE)) {
      return new Block(index, label, new byte[0], null); // never decode keys or other material
    }
    try {
      return new Block(index, label, Base64.getDecoder().decode(body.toByteArray()), null);
    } catch (IllegalArgumentException e) {
      return malformed(index, label, "body is not base64");
    }
  }

  /** What {@link String#strip} removes, for a character of ISO-8859-1. */
  private static boolean isWhitespace(byte b) {
    return Character.isWhitespace((char) (b & 0xff));
  }

  private static boolean startsWith(byte[] pem, int from, int to, String marker) {
    if (to - from < marker.length()) {
      return false;
    }
    for (int i = 0; i < marker.length(); i++) {
      if (pem[from + i] != marker.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String latin1(byte[] pem, int from, int to) {
    return new String(pem, from, to - from, StandardCharsets.ISO_8859_1);
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
