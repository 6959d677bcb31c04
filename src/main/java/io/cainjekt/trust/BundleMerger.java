// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Append-only merge of CA certificates into an existing PEM bundle: the base bytes are kept
 * verbatim (content, order, comments), and only certificates whose DER the base lacks are appended.
 * Stateless and thread-safe.
 */
public final class BundleMerger {

  private BundleMerger() {}

  /**
   * The result of a merge.
   *
   * @param content the merged bundle (the base unchanged when nothing was added)
   * @param added how many certificates were appended
   */
  public record Merge(byte[] content, int added) {
    /** Copies the content. */
    public Merge {
      content = content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }

    /** True if at least one certificate was appended. */
    public boolean changed() {
      return added > 0;
    }
  }

  /**
   * Appends the certificates of {@code additions} that {@code basePem} does not already hold.
   *
   * @param source names the base in warnings, e.g. its container path
   * @param basePem the existing bundle, parsed leniently; may be empty
   * @param additions the CAs to add
   */
  public static Merge merge(String source, byte[] basePem, PemBundle additions) {
    PemBundle base = PemBundle.parseLenient(source, basePem);
    Set<Fingerprint> present = new HashSet<>();
    base.certificates().forEach(c -> present.add(c.fingerprint()));
    List<CaCertificate> missing = new ArrayList<>();
    for (CaCertificate c : additions.certificates()) {
      if (present.add(c.fingerprint())) {
        missing.add(c);
      }
    }
    if (missing.isEmpty()) {
      return new Merge(basePem, 0);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(basePem.length + missing.size() * 2048);
    out.writeBytes(basePem);
    if (basePem.length > 0 && basePem[basePem.length - 1] != '\n') {
      out.write('\n');
    }
    out.writeBytes(PemBundle.of(missing).toPem());
    return new Merge(out.toByteArray(), missing.size());
  }
}
