// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
   * @param content the merged bundle (the base itself when nothing was added)
   * @param appended the fingerprints of the certificates appended, in order
   */
  public record Merge(ByteString content, List<Fingerprint> appended) {

    public Merge {
      appended = List.copyOf(appended);
    }

    /** How many certificates were appended. */
    public int added() {
      return appended.size();
    }

    /** True if at least one certificate was appended. */
    public boolean changed() {
      return !appended.isEmpty();
    }
  }

  /**
   * Appends the certificates of {@code additions} that {@code basePem} does not already hold. The
   * result may be {@code basePem} itself.
   *
   * @param source names the base in warnings, e.g. its container path
   * @param basePem the existing bundle, parsed leniently; may be empty
   * @param additions the CAs to add
   */
  public static Merge merge(String source, ByteString basePem, PemBundle additions) {
    return merge(basePem, PemBundle.parseLenient(source, basePem), additions);
  }

  /**
   * Appends the certificates of {@code additions} that {@code base} does not already hold to {@code
   * base.toPem()}.
   */
  public static Merge merge(PemBundle base, PemBundle additions) {
    return merge(base.toPem(), base, additions);
  }

  /** The merge of {@code additions} into {@code basePem}, already parsed as {@code base}. */
  static Merge merge(ByteString basePem, PemBundle base, PemBundle additions) {
    Set<Fingerprint> present = new HashSet<>();
    base.certificates().forEach(c -> present.add(c.fingerprint()));
    List<CaCertificate> missing = new ArrayList<>();
    for (CaCertificate c : additions.certificates()) {
      if (present.add(c.fingerprint())) {
        missing.add(c);
      }
    }
    if (missing.isEmpty()) {
      return new Merge(basePem, List.of());
    }
    ByteString appended = PemBundle.of(missing).toPem();
    int length = basePem.size();
    int newline = length > 0 && basePem.byteAt(length - 1) != '\n' ? 1 : 0;
    byte[] merged = new byte[length + newline + appended.size()];
    basePem.copyTo(merged, 0);
    if (newline == 1) {
      merged[length] = '\n';
    }
    appended.copyTo(merged, length + newline);
    // a fresh array nobody else holds: wrapped, not copied
    return new Merge(
        UnsafeByteOperations.unsafeWrap(merged),
        missing.stream().map(CaCertificate::fingerprint).toList());
  }

  /**
   * {@code pem} without the CERTIFICATE blocks whose DER has one of {@code fingerprints}: each such
   * block is cut out with its BEGIN and END lines and their line ends, every other byte is kept in
   * place. Takes out what {@link #merge} appended; a block that is not well-formed is kept. Returns
   * {@code pem} itself when nothing matched.
   */
  public static ByteString remove(ByteString pem, Set<Fingerprint> fingerprints) {
    if (fingerprints.isEmpty()) {
      return pem;
    }
    byte[] kept = remove(pem.toByteArray(), fingerprints);
    // a fresh array nobody else holds: wrapped, not copied
    return kept.length == pem.size() ? pem : UnsafeByteOperations.unsafeWrap(kept);
  }

  private static byte[] remove(byte[] pem, Set<Fingerprint> fingerprints) {
    ByteArrayOutputStream kept = new ByteArrayOutputStream(pem.length);
    int copied = 0;
    int begin = -1;
    for (int start = 0; start < pem.length; ) {
      int end = start;
      while (end < pem.length && pem[end] != '\n' && pem[end] != '\r') {
        end++;
      }
      int next = end + (end + 1 < pem.length && pem[end] == '\r' && pem[end + 1] == '\n' ? 2 : 1);
      String line = new String(pem, start, Math.min(end - start, 64), StandardCharsets.ISO_8859_1);
      if (line.strip().equals(BEGIN_CERTIFICATE)) {
        begin = start;
      } else if (line.strip().equals(END_CERTIFICATE) && begin >= 0) {
        int to = Math.min(next, pem.length);
        if (matches(Arrays.copyOfRange(pem, begin, to), fingerprints)) {
          kept.write(pem, copied, begin - copied);
          copied = to;
        }
        begin = -1;
      }
      start = next;
    }
    if (copied == 0) {
      return pem;
    }
    kept.write(pem, copied, pem.length - copied);
    return kept.toByteArray();
  }

  private static final String BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----";
  private static final String END_CERTIFICATE = "-----END CERTIFICATE-----";

  /** True when the one block in {@code block} is a certificate with one of the fingerprints. */
  private static boolean matches(byte[] block, Set<Fingerprint> fingerprints) {
    List<PemReader.Block> blocks = PemReader.read(block);
    return blocks.size() == 1
        && !blocks.getFirst().malformed()
        && fingerprints.contains(Fingerprint.of(blocks.getFirst().der()));
  }
}
