// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.nri.proto.ConfigureResponse;
import io.cainjekt.nri.proto.CreateContainerResponse;
import io.cainjekt.nri.proto.RegisterPluginRequest;
import io.cainjekt.wire.mux.MuxDecoder;
import io.cainjekt.wire.ttrpc.FrameCodec;
import io.cainjekt.wire.ttrpc.MessageType;
import io.cainjekt.wire.ttrpc.proto.Request;
import io.cainjekt.wire.ttrpc.proto.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays what containerd 1.7.24 sent to the Go reference plugin (resources/wire/nri-capture.bin)
 * into our stub over a real Unix socket, and compares our answers with the Go plugin's, decoded.
 */
class CaptureReplayTest {

  @TempDir Path dir;

  /** Decoded messages of one direction of a trunk, keyed by (conn, stream). */
  record Trunk(Map<String, FrameCodec.Decoded.Message> messages, List<Long> frameSizes) {
    static Trunk parse(byte[] bytes) throws IOException {
      Map<String, FrameCodec.Decoded.Message> messages = new LinkedHashMap<>();
      List<Long> frames = new ArrayList<>();
      Map<Integer, FrameCodec> codecs = new HashMap<>();
      new MuxDecoder()
          .feed(
              ByteBuffer.wrap(bytes),
              (conn, payload) -> {
                frames.add((long) payload.remaining());
                codecs
                    .computeIfAbsent(conn, c -> new FrameCodec())
                    .feed(
                        payload,
                        d ->
                            messages.put(
                                conn + "/" + d.header().streamId() + "/" + d.header().type(),
                                (FrameCodec.Decoded.Message) d));
              });
      return new Trunk(messages, frames);
    }
  }

  static Map<Integer, ByteArrayOutputStream> sessionStreams(int session) throws IOException {
    byte[] capture;
    try (InputStream in = CaptureReplayTest.class.getResourceAsStream("/wire/nri-capture.bin")) {
      capture = in.readAllBytes();
    }
    ByteBuffer b = ByteBuffer.wrap(capture);
    byte[] magic = new byte[8];
    b.get(magic);
    assertThat(new String(magic)).isEqualTo("NRICAP01");
    Map<Integer, ByteArrayOutputStream> byDir = new HashMap<>();
    while (b.hasRemaining()) {
      int kind = b.get();
      int dirn = b.get();
      b.getShort();
      int sess = b.getInt();
      b.getLong();
      b.getLong();
      byte[] data = new byte[b.getInt()];
      b.get(data);
      if (kind == 1 && sess == session) {
        byDir.computeIfAbsent(dirn, d -> new ByteArrayOutputStream()).writeBytes(data);
      }
    }
    return byDir;
  }

  /** The Go reference plugin's events: CreateContainer, StartContainer, RemoveContainer. */
  private static NriPlugin referenceHandlers() {
    return new NriPlugin() {
      @Override
      public Adjustment createContainer(PodInfo pod, ContainerInfo c) {
        if (!"true".equals(pod.annotations().get("cainjekt.io/enabled"))) {
          return Adjustment.none();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SSL_CERT_FILE", "/etc/cainjekt/ca-bundle.pem");
        env.put("REQUESTS_CA_BUNDLE", "/etc/cainjekt/ca-bundle.pem");
        env.put("NODE_EXTRA_CA_CERTS", "/etc/cainjekt/custom-ca.pem");
        env.put(
            "JAVA_TOOL_OPTIONS",
            "-Djavax.net.ssl.trustStore=/etc/cainjekt/truststore.p12"
                + " -Djavax.net.ssl.trustStoreType=PKCS12"
                + " -Djavax.net.ssl.trustStorePassword=changeit");
        return new Adjustment(
            List.of(
                new Mount(
                    "/etc/cainjekt",
                    "bind",
                    "/staging/" + c.id(),
                    List.of("rbind", "ro", "rprivate"))),
            env,
            Map.of());
      }

      @Override
      public void startContainer(PodInfo pod, ContainerInfo c) {}

      @Override
      public void removeContainer(PodInfo pod, ContainerInfo c) {}
    };
  }

  @ParameterizedTest(name = "session {0}")
  @ValueSource(ints = {1, 5})
  void ourAnswersToARecordedContainerdSessionMatchTheGoPlugin(int session) throws Exception {
    Map<Integer, ByteArrayOutputStream> recorded = sessionStreams(session);
    byte[] runtimeBytes = recorded.get(2).toByteArray();
    Trunk runtimeSent = Trunk.parse(runtimeBytes);
    Trunk goAnswered = Trunk.parse(recorded.get(1).toByteArray());
    Path socket = dir.resolve("nri.sock");

    Trunk ours;
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        NriStub stub = stub(server, socket)) {
      stub.start();
      try (SocketChannel conn = server.accept()) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        readUntil(conn, received, 1);
        conn.write(ByteBuffer.wrap(runtimeBytes));
        int expectedMessages = goAnswered.messages().size();
        ours = readUntil(conn, received, expectedMessages);
      }
    }

    assertThat(ours.frameSizes()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(4096));
    assertThat(ours.messages().keySet()).isEqualTo(goAnswered.messages().keySet());
    for (var e : goAnswered.messages().entrySet()) {
      compare(e.getKey(), e.getValue(), ours.messages().get(e.getKey()), runtimeSent);
    }
  }

  private NriStub stub(ServerSocketChannel server, Path socket) throws IOException {
    server.bind(UnixDomainSocketAddress.of(socket));
    return new NriStub(
        new NriStub.Options(
            socket,
            "cainjekt-ref",
            "50",
            Duration.ofSeconds(5),
            new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(5))),
        referenceHandlers());
  }

  /** Reads the plugin's bytes until {@code messages} whole ttrpc messages have arrived. */
  private static Trunk readUntil(SocketChannel conn, ByteArrayOutputStream into, int messages)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(65536);
    Trunk t = Trunk.parse(into.toByteArray());
    while (t.messages().size() < messages) {
      buf.clear();
      if (conn.read(buf) < 0) {
        throw new IOException("plugin closed after " + t.messages().keySet());
      }
      into.write(buf.array(), 0, buf.position());
      t = Trunk.parse(into.toByteArray());
    }
    return t;
  }

  private static void compare(
      String key, FrameCodec.Decoded.Message go, FrameCodec.Decoded.Message ours, Trunk runtime)
      throws Exception {
    assertThat(ours.header().type()).as(key).isEqualTo(go.header().type());
    if (go.header().type() == MessageType.REQUEST) {
      Request g = Request.parseFrom(go.payload());
      Request o = Request.parseFrom(ours.payload());
      assertThat(o.getService() + "/" + o.getMethod())
          .isEqualTo(g.getService() + "/" + g.getMethod());
      assertThat(RegisterPluginRequest.parseFrom(o.getPayload()))
          .isEqualTo(RegisterPluginRequest.parseFrom(g.getPayload()));
      assertThat(o.getTimeoutNano()).isPositive();
      return;
    }
    Response g = Response.parseFrom(go.payload());
    Response o = Response.parseFrom(ours.payload());
    assertThat(o.hasStatus()).as(key + " status " + o.getStatus()).isEqualTo(g.hasStatus());
    String method = methodOf(key, runtime);
    switch (method) {
      case "Configure" ->
          assertThat(ConfigureResponse.parseFrom(o.getPayload()))
              .isEqualTo(ConfigureResponse.parseFrom(g.getPayload()));
      case "CreateContainer" -> {
        CreateContainerResponse gc = CreateContainerResponse.parseFrom(g.getPayload());
        CreateContainerResponse oc = CreateContainerResponse.parseFrom(o.getPayload());
        assertThat(oc.hasAdjust()).as(key).isEqualTo(gc.hasAdjust());
        assertThat(envMap(oc)).isEqualTo(envMap(gc));
        assertThat(oc.getAdjust().getMountsCount()).isEqualTo(gc.getAdjust().getMountsCount());
        for (int i = 0; i < gc.getAdjust().getMountsCount(); i++) {
          assertThat(oc.getAdjust().getMounts(i).toBuilder().clearSource().build())
              .isEqualTo(gc.getAdjust().getMounts(i).toBuilder().clearSource().build());
        }
      }
      default -> assertThat(o.getPayload()).as(key + " " + method).isEqualTo(g.getPayload());
    }
  }

  private static Map<String, String> envMap(CreateContainerResponse r) {
    return r.getAdjust().getEnvList().stream()
        .collect(Collectors.toMap(kv -> kv.getKey(), kv -> kv.getValue()));
  }

  private static String methodOf(String responseKey, Trunk runtime) throws Exception {
    String requestKey = responseKey.replace("/" + MessageType.RESPONSE, "/" + MessageType.REQUEST);
    return Request.parseFrom(runtime.messages().get(requestKey).payload()).getMethod();
  }

  @Test
  void theCaptureHoldsTheSessionsTheReplayRelies() throws Exception {
    Trunk s1 = Trunk.parse(sessionStreams(1).get(2).toByteArray());
    List<String> methods = new ArrayList<>();
    for (FrameCodec.Decoded.Message m : s1.messages().values()) {
      if (m.header().type() == MessageType.REQUEST) {
        methods.add(Request.parseFrom(m.payload()).getMethod());
      }
    }

    assertThat(methods).startsWith("Configure", "Synchronize").contains("CreateContainer");
    assertThat(s1.frameSizes()).contains(4096L);
  }
}
