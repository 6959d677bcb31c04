// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.compat;

import java.util.List;

/**
 * One TLS verdict an e2e test asserted: on containerd {@code release}, in a container of {@code
 * image}, {@code client} reached {@code verdict} for a server whose chain ends in {@code ca}, the
 * test expecting {@code expected}. {@code osStoreOnly} means the cainjekt variables were unset, so
 * only the image's OS trust store was in play. One tab-separated line in the result files.
 */
public record CompatRecord(
    String release,
    String image,
    String client,
    String ca,
    boolean osStoreOnly,
    String expected,
    String verdict) {

  private static final int FIELDS = 7;

  public CompatRecord {
    for (String field : List.of(release, image, client, ca, expected, verdict)) {
      if (field.isBlank() || field.contains("\t") || field.contains("\n")) {
        throw new IllegalArgumentException("compat record field must be one word: '" + field + "'");
      }
    }
  }

  /** The line written to a result file. */
  public String toLine() {
    return String.join(
        "\t", release, image, client, ca, osStoreOnly ? "os-store" : "cainjekt", expected, verdict);
  }

  /** Parses {@link #toLine()}; a malformed line is a clear error naming it. */
  public static CompatRecord parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != FIELDS || !(f[4].equals("os-store") || f[4].equals("cainjekt"))) {
      throw new IllegalArgumentException("malformed compat record: '" + line + "'");
    }
    return new CompatRecord(f[0], f[1], f[2], f[3], f[4].equals("os-store"), f[5], f[6]);
  }

  /** The distro family of the image ({@code debian-tls} is {@code debian}). */
  public String family() {
    return image.endsWith("-tls") ? image.substring(0, image.length() - "-tls".length()) : image;
  }

  /** What the test claimed, in words: the row label of the compatibility table. */
  public String check() {
    String what;
    if (expected.equals("TRUSTED")) {
      what = ca.equals("FAKE_PUBLIC_ROOT") ? "public root still trusted" : "injected CA trusted";
    } else if (expected.equals("UNTRUSTED")) {
      what = "CA not injected or rotated out: untrusted";
    } else {
      what = "expected " + expected.toLowerCase(java.util.Locale.ROOT);
    }
    return osStoreOnly ? what + " (OS store alone)" : what;
  }
}
