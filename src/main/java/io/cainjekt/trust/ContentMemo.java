// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Remembers the results of the functions of this package whose input is file content: parsing an
 * image's bundle, merging CAs into it, reading a keystore, writing a truststore. Every container of
 * one image hands the plugin the same bytes, so a later full run on the same files (the first
 * container on new layers of a known image, every running container at a rotation) costs a CRC32C
 * and a comparison of its files instead of a parse of a few hundred certificates. Keys are a kind,
 * a source name and a value that stands for everything the function reads, compared exactly: the
 * content itself ({@link Content}), SHA-256 fingerprints, or a record of them. So a hit is exactly
 * the result a fresh computation would give. Least recently used entries go first once the entry or
 * the byte budget is exceeded; only successful results are kept. One instance per daemon
 * (docs/architecture.md, "What the plugin remembers"). Thread-safe; a computation runs outside the
 * lock (two threads may compute the same value once).
 */
public final class ContentMemo {

  /** Entries kept at most. */
  public static final int MAX_ENTRIES = 48;

  /**
   * Input bytes the kept entries may stand for in total. A parsed bundle takes a few times its
   * input on the heap, so this bounds the memo to roughly 20 MiB, and the keys that hold their
   * input to 6 MiB more; a Debian image's bundle and JDK cacerts are about 400 KB together, so
   * about fifteen images stay warm.
   */
  public static final long MAX_WEIGHT_BYTES = 6L << 20;

  private record Key(String kind, String source, Record input) {}

  /** What a merge reads: the base's bytes and the set of CAs added. */
  private record MergeInput(Content base, Fingerprint additions) {}

  /**
   * The source name of every merge and truststore: their results name no source, so equal bytes at
   * two paths (older Alpine images hold their bundle twice, as two files) share one entry.
   */
  private static final String ANY_SOURCE = "";

  private final WeightedLru<Key, Object> entries;

  /** A memo with the standard bounds. */
  public ContentMemo() {
    this(MAX_ENTRIES, MAX_WEIGHT_BYTES);
  }

  ContentMemo(int maxEntries, long maxWeight) {
    this.entries = new WeightedLru<>(maxEntries, maxWeight);
  }

  /** A memo that keeps nothing: every call computes (for measuring what the memo buys). */
  public static ContentMemo off() {
    return new ContentMemo(0, 0);
  }

  /** {@link PemBundle#parseLenient}, remembered. */
  public PemBundle parseLenient(String source, ByteString pem) {
    return get(
        "pem-lenient",
        source,
        Content.of(pem),
        pem.size(),
        () -> PemBundle.parseLenient(source, pem));
  }

  /**
   * {@link BundleMerger#merge(String, ByteString, PemBundle)}, remembered: the same base bytes and
   * CAs give the same {@link BundleMerger.Merge}.
   */
  public BundleMerger.Merge merge(String source, ByteString basePem, PemBundle additions) {
    return merge(basePem, () -> parseLenient(source, basePem), additions);
  }

  /**
   * {@link BundleMerger#merge(PemBundle, PemBundle)}, remembered like {@link #merge(String,
   * ByteString, PemBundle)}: a bundle parsed once merges into the same bytes for every container.
   */
  public BundleMerger.Merge merge(PemBundle base, PemBundle additions) {
    return merge(base.toPem(), () -> base, additions);
  }

  private BundleMerger.Merge merge(
      ByteString basePem, Supplier<PemBundle> base, PemBundle additions) {
    return get(
        "merge",
        ANY_SOURCE,
        new MergeInput(Content.of(basePem), additions.contentHash()),
        () -> BundleMerger.merge(basePem, base.get(), additions),
        merged -> merged.content().size());
  }

  /** {@link TrustStoreBuilder#pkcs12}, remembered by the fingerprints of the certificates. */
  public ByteString pkcs12(Collection<CaCertificate> certificates) {
    Map<Fingerprint, CaCertificate> unique = new LinkedHashMap<>();
    for (CaCertificate c : certificates) {
      unique.putIfAbsent(c.fingerprint(), c);
    }
    Fingerprint input = hash(unique.keySet().stream().map(Fingerprint::sha256).toList());
    return get(
        "pkcs12",
        ANY_SOURCE,
        input,
        () -> TrustStoreBuilder.pkcs12(unique.values()),
        pfx -> pfx.size());
  }

  /** {@link TrustStoreBuilder#readKeyStore}, remembered. */
  public List<CaCertificate> readKeyStore(String source, ByteString keystore)
      throws TrustBundleException {
    return get(
        "keystore",
        source,
        Content.of(keystore),
        keystore.size(),
        // the readers work on an array: one copy, on a miss only, small against the read
        () -> TrustStoreBuilder.readKeyStore(source, keystore.toByteArray()));
  }

  /** The SHA-256 of some byte arrays taken in order, each prefixed with its length. */
  static Fingerprint hash(Iterable<byte[]> parts) {
    MessageDigest digest = Fingerprint.digest();
    for (byte[] part : parts) {
      int n = part.length;
      digest.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
      digest.update(part);
    }
    return new Fingerprint(digest.digest());
  }

  /**
   * The memoized result of {@code compute} for this input.
   *
   * @param kind which function, e.g. "pem-lenient"
   * @param source the name the result mentions (messages carry it), part of the key
   * @param input everything the function reads, or a hash of it: a record with exact equality
   * @param weight roughly the bytes the result holds
   */
  <T, E extends Exception> T get(
      String kind, String source, Record input, long weight, Computation<T, E> compute) throws E {
    return get(kind, source, input, compute, value -> weight);
  }

  /**
   * The memoized result of {@code compute} for this input, weighed once computed.
   *
   * @param weigher roughly the bytes a result holds
   */
  @SuppressWarnings("unchecked") // a key's kind always maps to one result type
  <T, E extends Exception> T get(
      String kind,
      String source,
      Record input,
      Computation<T, E> compute,
      ToLongFunction<? super T> weigher)
      throws E {
    Key key = new Key(kind, source, input);
    Optional<Object> known = entries.get(key);
    if (known.isPresent()) {
      return (T) known.get();
    }
    T value = compute.compute();
    entries.put(key, value, weigher.applyAsLong(value));
    return value;
  }

  /** Hits and misses so far, for tests and benchmarks. */
  long[] counts() {
    return entries.counts();
  }

  int size() {
    return entries.size();
  }

  /** A function that may fail with {@code E}. */
  @FunctionalInterface
  interface Computation<T, E extends Exception> {
    T compute() throws E;
  }
}
