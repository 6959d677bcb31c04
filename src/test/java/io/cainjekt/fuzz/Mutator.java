// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.fuzz;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded, reproducible byte mutator for fuzz tests: every case {@code i} of a run uses the seed
 * {@code base + i}, so a failing case is replayed by its number alone. Mutations are the usual ones
 * of coverage-less fuzzers: bit flips, interesting bytes and big-endian ints (0, -1, 2^31, just
 * over the limits), insertions, deletions, duplicated ranges and truncation.
 *
 * <p>The run size scales with {@code -Dcainjekt.fuzz.scale=N} (default 1) and the base seed can be
 * changed with {@code -Dcainjekt.fuzz.seed=S}. Not thread-safe.
 */
public final class Mutator {

  private static final int[] INTERESTING_BYTES = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x3d};
  private static final int[] INTERESTING_INTS = {
    0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, (4 << 20), (4 << 20) + 1, 0xfffffff0, 4096, 4097
  };

  private final Random random;

  private Mutator(long seed) {
    this.random = new Random(seed);
  }

  /** The mutator of case {@code caseIndex} of a run. */
  public static Mutator forCase(int caseIndex) {
    return new Mutator(baseSeed() + caseIndex);
  }

  /** The base seed of this run (change it with {@code -Dcainjekt.fuzz.seed}). */
  public static long baseSeed() {
    return Long.getLong("cainjekt.fuzz.seed", 0x5eedL);
  }

  /** How many cases to run: {@code defaultCases} times {@code -Dcainjekt.fuzz.scale}. */
  public static int cases(int defaultCases) {
    return defaultCases * Math.max(1, Integer.getInteger("cainjekt.fuzz.scale", 1));
  }

  /** The random source of this case, for choices a test makes itself. */
  public Random random() {
    return random;
  }

  /** One of the seeds. */
  public <T> T pick(List<T> seeds) {
    return seeds.get(random.nextInt(seeds.size()));
  }

  /** A copy of {@code seed} with one to four random mutations. */
  public byte[] mutate(byte[] seed) {
    byte[] out = seed.clone();
    int rounds = 1 + random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      out = mutateOnce(out);
    }
    return out;
  }

  /** Splits {@code bytes} into random chunks, as a socket read loop might see them. */
  public List<byte[]> chunks(byte[] bytes) {
    java.util.ArrayList<byte[]> out = new java.util.ArrayList<>();
    int offset = 0;
    while (offset < bytes.length) {
      int n = 1 + random.nextInt(Math.min(bytes.length - offset, 1 + random.nextInt(5000)));
      out.add(Arrays.copyOfRange(bytes, offset, offset + n));
      offset += n;
    }
    return out;
  }

  private byte[] mutateOnce(byte[] in) {
    if (in.length == 0) {
      return randomBytes(1 + random.nextInt(16));
    }
    int at = random.nextInt(in.length);
    return switch (random.nextInt(8)) {
      case 0 -> {
        in[at] ^= (byte) (1 << random.nextInt(8));
        yield in;
      }
      case 1 -> {
        in[at] = (byte) INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
        yield in;
      }
      case 2 -> {
        if (in.length - at >= 4) {
          ByteBuffer.wrap(in).putInt(at, INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)]);
        }
        yield in;
      }
      case 3 -> splice(in, at, 0, randomBytes(1 + random.nextInt(32)));
      case 4 -> splice(in, at, Math.min(in.length - at, 1 + random.nextInt(64)), new byte[0]);
      case 5 -> {
        int n = Math.min(in.length - at, 1 + random.nextInt(256));
        yield splice(in, random.nextInt(in.length), 0, Arrays.copyOfRange(in, at, at + n));
      }
      case 6 -> Arrays.copyOf(in, at);
      default -> {
        in[at] = (byte) random.nextInt(256);
        yield in;
      }
    };
  }

  private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
    byte[] out = new byte[in.length - remove + insert.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
    return out;
  }

  /** {@code n} random bytes. */
  public byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
