// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

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
   * @param content the merged bundle (the base unchanged when nothing was added); shared with the
   *     caller's base, never modified
   * @param added how many certificates were appended
   */
  public record Merge(byte[] content, int added) {

    /** True if at least one certificate was appended. */
    public boolean changed() {
      return added > 0;
    }
  }

  /**
   * Appends the certificates of {@code additions} that {@code basePem} does not already hold.
   * Memoized by content ({@code ContentMemo}): the same base bytes and CAs give the same {@link
   * Merge}, whose array is shared and never modified, as {@code basePem} is by the caller.
   *
   * @param source names the base in warnings, e.g. its container path
   * @param basePem the existing bundle, parsed leniently; may be empty
   * @param additions the CAs to add
   */
  public static Merge merge(String source, byte[] basePem, PemBundle additions) {
    return memoized(basePem, () -> PemBundle.parseLenient(source, basePem), additions);
  }

  /**
   * Appends the certificates of {@code additions} that {@code base} does not already hold to {@code
   * base.toPem()}, memoized like {@link #merge(String, byte[], PemBundle)}: a bundle parsed once
   * (e.g. an image's, deduplicated) merges into the same array for every container.
   */
  public static Merge merge(PemBundle base, PemBundle additions) {
    return memoized(base.toPem(), () -> base, additions);
  }

  /** What a merge reads: the base's bytes and the set of CAs added. */
  private record MergeInput(Content base, Fingerprint additions) {}

  /**
   * The memo's source name for every merge: a {@link Merge} names no source, so equal bytes at two
   * paths (older Alpine images hold their bundle twice, as two files) share one merge.
   */
  private static final String ANY_SOURCE = "";

  private static Merge memoized(byte[] basePem, Supplier<PemBundle> base, PemBundle additions) {
    return ContentMemo.shared()
        .get(
            "merge",
            ANY_SOURCE,
            new MergeInput(Content.of(basePem), additions.contentHash()),
            () -> merge(basePem, base.get(), additions),
            merged -> merged.content().length);
  }

  private static Merge merge(byte[] basePem, PemBundle base, PemBundle additions) {
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
    byte[] appended = PemBundle.of(missing).toPem();
    int newline = basePem.length > 0 && basePem[basePem.length - 1] != '\n' ? 1 : 0;
    byte[] merged = Arrays.copyOf(basePem, basePem.length + newline + appended.length);
    if (newline == 1) {
      merged[basePem.length] = '\n';
    }
    System.arraycopy(appended, 0, merged, basePem.length + newline, appended.length);
    return new Merge(merged, missing.size());
  }
}
