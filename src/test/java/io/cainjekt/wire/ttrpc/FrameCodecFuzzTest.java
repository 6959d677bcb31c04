// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.fuzz.Mutator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutation fuzzing of the ttrpc frame decoder with the captured containerd messages as seeds,
 * checked against a tiny reference decoder written from the header table: same messages, same
 * oversize skips, an error exactly where the reference sees one, and no allocation beyond {@link
 * FrameHeader#MAX_MESSAGE_BYTES} whatever a header claims.
 */
class FrameCodecFuzzTest {

  private static final List<byte[]> SEEDS = WireSeeds.messages();
  private static final long SLACK_BYTES = 1 << 20;

  /** What the reference decoder or the codec saw, as comparable strings. */
  static List<String> reference(byte[] in) {
    List<String> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(in);
    while (b.remaining() >= FrameHeader.HEADER_BYTES) {
      long length = Integer.toUnsignedLong(b.getInt());
      int stream = b.getInt();
      int type = Byte.toUnsignedInt(b.get());
      int flags = Byte.toUnsignedInt(b.get());
      if (length > Integer.MAX_VALUE || type < 1 || type > 3) {
        out.add("error");
        return out;
      }
      if (b.remaining() < length) {
        return out;
      }
      byte[] payload = new byte[(int) Math.min(length, FrameHeader.MAX_MESSAGE_BYTES + 1L)];
      if (length > FrameHeader.MAX_MESSAGE_BYTES) {
        out.add("oversized " + stream + " " + type + " " + flags + " " + length);
        b.position(b.position() + (int) length);
      } else {
        b.get(payload, 0, (int) length);
        out.add(message(stream, type, flags, payload));
      }
    }
    return out;
  }

  private static String message(int stream, int type, int flags, byte[] payload) {
    return "message " + stream + " " + type + " " + flags + " " + Arrays.hashCode(payload);
  }

  private static String describe(FrameCodec.Decoded d) {
    FrameHeader h = d.header();
    return switch (d) {
      case FrameCodec.Decoded.Message m -> {
        assertThat(m.payload()).hasSize(h.dataLength());
        yield message(h.streamId(), h.type().code(), h.flags(), m.payload());
      }
      case FrameCodec.Decoded.Oversized o ->
          "oversized "
              + h.streamId()
              + " "
              + h.type().code()
              + " "
              + h.flags()
              + " "
              + h.dataLength();
    };
  }

  /** Feeds the chunks; returns what the codec emitted, "error" for the documented exception. */
  private static List<String> decode(FrameCodec codec, List<byte[]> chunks) throws IOException {
    List<String> out = new ArrayList<>();
    try {
      for (byte[] chunk : chunks) {
        codec.feed(ByteBuffer.wrap(chunk), d -> out.add(describe(d)));
      }
    } catch (TtrpcProtocolException e) {
      assertThat(e.getMessage()).containsAnyOf("message type", "message length");
      out.add("error");
    }
    return out;
  }

  private static byte[] stream(Mutator m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int messages = 1 + m.random().nextInt(4);
    for (int i = 0; i < messages; i++) {
      out.writeBytes(m.pick(SEEDS));
    }
    return m.mutate(out.toByteArray());
  }

  @Test
  void mutatedCapturedStreamsDecodeExactlyAsTheReferenceDecoderSays() throws IOException {
    int cases = Mutator.cases(3000);
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      byte[] input = stream(m);
      FrameCodec codec = new FrameCodec();
      long before = allocatedBytes();
      List<String> ours = decode(codec, m.chunks(input));
      long allocated = allocatedBytes() - before;

      List<String> expected = reference(input);
      assertThat(ours).as("case %d (seed %d)", i, Mutator.baseSeed() + i).isEqualTo(expected);
      assertThat(allocated)
          .as("bytes allocated decoding case %d of %d bytes", i, input.length)
          .isLessThan(FrameHeader.MAX_MESSAGE_BYTES + 64L * input.length + SLACK_BYTES);
      if (!ours.contains("error")) {
        assertThat(codec.idle()).as("idle after case %d", i).isEqualTo(endsOnBoundary(input));
      }
    }
  }

  @Test
  void randomBytesNeverThrowAnythingButTheProtocolException() throws IOException {
    int cases = Mutator.cases(3000);
    for (int i = 0; i < cases; i++) {
      Mutator m = Mutator.forCase(i);
      byte[] input = m.randomBytes(m.random().nextInt(200));
      assertThat(decode(new FrameCodec(), m.chunks(input))).isEqualTo(reference(input));
    }
  }

  @ParameterizedTest(name = "length {0}")
  @ValueSource(longs = {(4 << 20) + 1L, 1L << 30, 0x7fffffffL})
  void aHeaderClaimingAHugeLengthIsSkippedWithoutBufferingIt(long length) throws IOException {
    FrameCodec codec = new FrameCodec();
    List<FrameCodec.Decoded> out = new ArrayList<>();
    ByteBuffer zeros = ByteBuffer.allocate(64 << 10);
    long before = allocatedBytes();
    codec.feed(ByteBuffer.wrap(header(length, 3, 1)), out::add);
    for (int i = 0; i < 64; i++) {
      codec.feed(zeros.clear(), out::add);
    }
    long allocated = allocatedBytes() - before;

    assertThat(allocated).as("bytes allocated for a %d-byte claim", length).isLessThan(SLACK_BYTES);
    assertThat(out).isEmpty();
    assertThat(codec.idle()).isFalse();
  }

  @Test
  void aHeaderClaimingFourGibibytesIsAProtocolErrorBeforeAnyAllocation() throws IOException {
    FrameCodec codec = new FrameCodec();
    ByteBuffer header = ByteBuffer.wrap(header(0xffff_ffffL, 1, 1));
    TtrpcProtocolException thrown = null;
    long before = allocatedBytes();
    try {
      codec.feed(header, d -> {});
    } catch (TtrpcProtocolException e) {
      thrown = e;
    }
    long allocated = allocatedBytes() - before;

    assertThat(thrown).isNotNull().hasMessageContaining("4294967295");
    assertThat(allocated).isLessThan(SLACK_BYTES);
  }

  static byte[] header(long length, int streamId, int type) {
    return ByteBuffer.allocate(FrameHeader.HEADER_BYTES)
        .putInt((int) length)
        .putInt(streamId)
        .put((byte) type)
        .put((byte) 0)
        .array();
  }

  private static boolean endsOnBoundary(byte[] in) {
    ByteBuffer b = ByteBuffer.wrap(in);
    while (b.remaining() >= FrameHeader.HEADER_BYTES) {
      long length = Integer.toUnsignedLong(b.getInt(b.position()));
      if (b.remaining() - FrameHeader.HEADER_BYTES < length) {
        return false;
      }
      b.position(b.position() + FrameHeader.HEADER_BYTES + (int) length);
    }
    return !b.hasRemaining();
  }

  /** Bytes allocated so far by this thread (HotSpot's per-thread counter). */
  static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
