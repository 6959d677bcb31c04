// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * A small, bounded memo for the pure functions of this package whose input is file content: parsing
 * an image's bundle, reading a keystore, writing a truststore. Every container of one image hands
 * the plugin the same bytes, so the second container of an image costs a CRC32C and a comparison of
 * its files instead of a parse of a few hundred certificates. Keys are a kind, a source name and a
 * value that stands for everything the function reads, compared exactly: the content itself ({@link
 * Content}), SHA-256 fingerprints, or a record of them. So a hit is exactly the result a fresh
 * computation would give, and content never seen costs no hash at all (a SHA-256 of an image's
 * bundle and Java store, only to miss, was 4 ms of the 24 ms a new image took). Least recently used
 * entries go first once the entry or the byte budget is exceeded. Only successful results are kept.
 * Thread-safe; a computation runs outside the lock (two threads may compute the same value once).
 */
final class ContentMemo {

  /** Entries kept at most. */
  static final int MAX_ENTRIES = 48;

  /**
   * Input bytes the kept entries may stand for in total. A parsed bundle takes a few times its
   * input on the heap, so this bounds the memo to roughly 20 MiB, and the keys that hold their
   * input to 6 MiB more; a Debian image's bundle and JDK cacerts are about 400 KB together, so
   * about fifteen images stay warm.
   */
  static final long MAX_WEIGHT_BYTES = 6L << 20;

  private static final ContentMemo SHARED = new ContentMemo(MAX_ENTRIES, MAX_WEIGHT_BYTES);

  private record Key(String kind, String source, Record input) {}

  private final WeightedLru<Key, Object> entries;

  ContentMemo(int maxEntries, long maxWeight) {
    this.entries = new WeightedLru<>(maxEntries, maxWeight);
  }

  /** The process-wide memo. */
  static ContentMemo shared() {
    return SHARED;
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
