// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cainjekt.wire.ttrpc.proto.Request;
import io.cainjekt.wire.ttrpc.proto.Response;
import io.cainjekt.wire.ttrpc.proto.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  private final FrameCodec codec = new FrameCodec();
  private final List<FrameCodec.Decoded> out = new ArrayList<>();

  private void feed(byte[]... chunks) throws Exception {
    for (byte[] chunk : chunks) {
      codec.feed(ByteBuffer.wrap(chunk), out::add);
    }
  }

  @Test
  void requestEncodesToTheGoldenBytesAndDecodesBack() throws Exception {
    byte[] golden = GoldenHex.load("frames/request-service-x.hex");
    byte[] encoded =
        FrameCodec.encode(
            1, MessageType.REQUEST, 0, Request.newBuilder().setService("x").build().toByteArray());

    assertThat(encoded).containsExactly(golden);
    feed(golden);
    FrameCodec.Decoded.Message m = (FrameCodec.Decoded.Message) out.getFirst();
    assertThat(m.header().dataLength()).isEqualTo(3);
    assertThat(m.header().streamId()).isEqualTo(1);
    assertThat(m.header().type()).isEqualTo(MessageType.REQUEST);
    assertThat(m.header().flags()).isZero();
    assertThat(Request.parseFrom(m.payload()).getService()).isEqualTo("x");
  }

  @Test
  void unimplementedResponseEncodesToTheGoldenBytes() throws Exception {
    byte[] golden = GoldenHex.load("frames/response-unimplemented.hex");
    Response response =
        Response.newBuilder()
            .setStatus(Status.newBuilder().setCode(StatusCode.UNIMPLEMENTED.code()).setMessage("m"))
            .build();

    assertThat(FrameCodec.encode(3, MessageType.RESPONSE, 0, response.toByteArray()))
        .containsExactly(golden);
    feed(golden);
    Response decoded = Response.parseFrom(((FrameCodec.Decoded.Message) out.getFirst()).payload());
    assertThat(StatusCode.of(decoded.getStatus().getCode())).isEqualTo(StatusCode.UNIMPLEMENTED);
    assertThat(decoded.getStatus().getMessage()).isEqualTo("m");
  }

  @Test
  void aHeaderSplitAcrossReadsIsReassembled() throws Exception {
    byte[] golden = GoldenHex.load("frames/request-service-x.hex");

    feed(slice(golden, 0, 3), slice(golden, 3, 9), slice(golden, 9, golden.length));

    assertThat(out).hasSize(1);
    assertThat(codec.idle()).isTrue();
  }

  @Test
  void aTruncatedHeaderProducesNothingAndLeavesTheDecoderBusy() throws Exception {
    feed(HexFormat.of().parseHex("0000000300000001"));

    assertThat(out).isEmpty();
    assertThat(codec.idle()).isFalse();
  }

  @Test
  void anUnknownMessageTypeIsAProtocolErrorNamingTheType() {
    byte[] frame = HexFormat.of().parseHex("00000000000000010700");

    assertThatThrownBy(() -> feed(frame))
        .isInstanceOf(TtrpcProtocolException.class)
        .hasMessageContaining("message type 7 is unknown");
  }

  @Test
  void aLengthOverTheMaximumIsSkippedAndReportedAsOversized() throws Exception {
    int length = FrameHeader.MAX_MESSAGE_BYTES + 1;
    byte[] header = new FrameHeader(length, 5, MessageType.REQUEST, 0).encode();
    byte[] next = GoldenHex.load("frames/request-service-x.hex");

    feed(header, new byte[length - 10], new byte[10], next);

    assertThat(out).hasSize(2);
    assertThat(out.get(0)).isInstanceOf(FrameCodec.Decoded.Oversized.class);
    assertThat(out.get(0).header().streamId()).isEqualTo(5);
    assertThat(out.get(1)).isInstanceOf(FrameCodec.Decoded.Message.class);
  }

  @Test
  void aLengthBeyondTwoGibibytesIsAProtocolError() {
    byte[] frame = HexFormat.of().parseHex("ffffffff000000010100");

    assertThatThrownBy(() -> feed(frame))
        .isInstanceOf(TtrpcProtocolException.class)
        .hasMessageContaining("4294967295");
  }

  @Test
  void aZeroLengthMessageIsDeliveredWithAnEmptyPayload() throws Exception {
    feed(HexFormat.of().parseHex("00000000000000010200"));

    assertThat(((FrameCodec.Decoded.Message) out.getFirst()).payload()).isEmpty();
    assertThat(Response.parseFrom(ByteString.EMPTY).hasStatus()).isFalse();
  }

  static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }
}
