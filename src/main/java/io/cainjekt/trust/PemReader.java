// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.ByteArrayOutputStream;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Splits PEM text into blocks. Text outside blocks is ignored; a block's body never appears in a
 * message. Stateless and thread-safe.
 */
final class PemReader {

  static final String CERTIFICATE = "CERTIFICATE";
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";
  private static final int MAX_LABEL_CHARS = 40;

  private PemReader() {}

  /**
   * One PEM block, or a malformed one (then {@code problem} is set and {@code der} is empty).
   *
   * @param der the decoded body of a CERTIFICATE block, empty for other labels
   */
  record Block(int index, String label, byte[] der, String problem) {
    boolean malformed() {
      return problem != null;
    }

    /** The certificate of a well-formed CERTIFICATE block. */
    CaCertificate certificate() throws CertificateException {
      return CaCertificate.parse(der);
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
        label = labelOf(pem, from, to, BEGIN);
        body.reset();
        if (label == null) {
          blocks.add(malformed(index, "?", "BEGIN line is malformed"));
        }
      } else if (startsWith(pem, from, to, END)) {
        if (label != null) {
          blocks.add(finish(index, label, labelOf(pem, from, to, END), body));
        }
        label = null;
      } else if (label != null) {
        body.write(pem, from, to - from);
      } else if (contains(pem, from, to, BEGIN)) {
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
      return new Block(index, label, new byte[0], null); // never decode keys or others
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
    return to - from >= marker.length() && matches(pem, from, marker);
  }

  private static boolean endsWith(byte[] pem, int from, int to, String marker) {
    return to - from >= marker.length() && matches(pem, to - marker.length(), marker);
  }

  private static boolean contains(byte[] pem, int from, int to, String marker) {
    for (int at = from; at <= to - marker.length(); at++) {
      if (matches(pem, at, marker)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(byte[] pem, int at, String marker) {
    for (int i = 0; i < marker.length(); i++) {
      if (pem[at + i] != marker.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static Block malformed(int index, String label, String problem) {
    return new Block(index, label, new byte[0], problem);
  }

  /**
   * The label between the marker that starts the line and the closing dashes, its first {@value
   * #MAX_LABEL_CHARS} characters made printable; null if malformed.
   */
  private static String labelOf(byte[] pem, int from, int to, String marker) {
    if (!endsWith(pem, from, to, DASHES) || to - from < marker.length() + DASHES.length()) {
      return null;
    }
    int start = from + marker.length();
    int end = Math.min(to - DASHES.length(), start + MAX_LABEL_CHARS);
    char[] safe = new char[end - start];
    for (int i = start; i < end; i++) {
      int c = pem[i] & 0xff;
      safe[i - start] = c >= 0x20 && c < 0x7f ? (char) c : '?';
    }
    return new String(safe);
  }
}
