// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.e2e.tls.Pki.Ca;
import io.cainjekt.trust.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One version of a CA bundle for {@link RotationBench}: its file, its certificates, and how each
 * shows in a container that holds it. Besides the generated CAs it holds one fixture CA of {@link
 * Pki}, so a TLS client can prove which version a container trusts. Immutable.
 *
 * @param name a short name for the report
 * @param fixture the {@link Pki} CA among the certificates (a TLS server presents its leaf)
 * @param pems the certificates, one PEM block each (64-character lines), in file order
 * @param bundle the PEM file the plugin is given: these blocks, concatenated
 */
record RotationCas(String name, Ca fixture, List<String> pems, Path bundle) {

  private static final int PEM_LINE_CHARS = 64;

  RotationCas {
    pems = List.copyOf(pems);
  }

  /**
   * {@code fixture} and {@code count - 1} self-signed CAs made now (EC P-256, BouncyCastle), named
   * {@code cainjekt bench <name> <i>}; the bundle is written to {@code dir/<name>.pem}.
   */
  static RotationCas of(String name, Path dir, Ca fixture, int count) throws IOException {
    List<String> pems = new ArrayList<>();
    pems.add(
        Files.readString(Pki.caCertificate(fixture), StandardCharsets.US_ASCII).strip() + "\n");
    for (int i = 1; i < count; i++) {
      pems.add(TestPki.rootCa("cainjekt bench " + name + " " + i).pem());
    }
    Path bundle = dir.resolve(name + ".pem");
    Files.writeString(bundle, String.join("", pems), StandardCharsets.US_ASCII);
    return new RotationCas(name, fixture, pems, bundle);
  }

  int size() {
    return pems.size();
  }

  /**
   * One line per certificate that no other certificate's PEM has: its last full base64 line, which
   * lies in the signature. Matching whole lines finds the certificate in any bundle the plugin
   * wrote (64-character lines, as {@code PemBundle} writes them).
   */
  List<String> needles() {
    return pems.stream()
        .map(p -> p.lines().filter(l -> l.length() == PEM_LINE_CHARS).toList().getLast())
        .toList();
  }

  /** The file names the plugin gives these CAs: {@code cainjekt-<sha256>} plus {@code suffix}. */
  Set<String> fileNames(String suffix) {
    return pems.stream()
        .map(p -> "cainjekt-" + HexFormat.of().formatHex(sha256(der(p))) + suffix)
        .collect(Collectors.toSet());
  }

  private static byte[] der(String pem) {
    String body =
        pem.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "");
    return Base64.getMimeDecoder().decode(body);
  }

  private static byte[] sha256(byte[] der) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(der);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256", e);
    }
  }
}
