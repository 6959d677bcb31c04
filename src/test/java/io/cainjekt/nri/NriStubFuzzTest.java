// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.fuzz.Mutator;
import io.cainjekt.nri.proto.Container;
import io.cainjekt.nri.proto.CreateContainerRequest;
import io.cainjekt.nri.proto.CreateContainerResponse;
import io.cainjekt.nri.proto.PodSandbox;
import io.cainjekt.wire.ttrpc.StatusCode;
import io.cainjekt.wire.ttrpc.TtrpcStatusException;
import io.cainjekt.wire.ttrpc.WireSeeds;
import io.cainjekt.wire.ttrpc.proto.Request;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives a real {@link NriStub} with mutated containerd traffic: mutated request payloads on a live
 * session must each get a status answer and leave the session usable, and a mutated raw trunk
 * (containerd's bytes of a captured session) must end in a clean disconnect and a reconnect.
 */
class NriStubFuzzTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Set<StatusCode> ANSWERS =
      Set.of(StatusCode.INVALID_ARGUMENT, StatusCode.UNKNOWN, StatusCode.UNIMPLEMENTED);

  @TempDir Path dir;

  private static NriHandlers handlers() {
    return NriHandlers.builder()
        .synchronize(s -> s.pods().forEach(p -> p.annotations().size()))
        .createContainer(
            (pod, c) ->
                new Adjustment(
                    List.of(),
                    Map.of("SSL_CERT_FILE", "/etc/cainjekt/ca-bundle.pem"),
                    Map.of("seen", pod.name().length() + "/" + c.env().size())))
        .startContainer((pod, c) -> c.annotations().size())
        .removeContainer((pod, c) -> c.mounts().size())
        .build();
  }

  private NriStub stub(Path socket) {
    NriStub stub =
        new NriStub(
            new NriStub.Options(
                socket,
                "cainjekt-fuzz",
                "10",
                Duration.ofSeconds(2),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50))),
            handlers());
    stub.start();
    return stub;
  }

  @Test
  void mutatedRequestPayloadsAreAnsweredWithAStatusAndTheSessionStaysUp() throws Exception {
    List<Request> seeds =
        WireSeeds.names().stream()
            .filter(n -> n.contains("-request"))
            .map(NriStubFuzzTest::request)
            .filter(r -> r.getService().equals(PluginService.SERVICE))
            .toList();
    Path socket = dir.resolve("nri.sock");
    try (FakeRuntime runtime = new FakeRuntime(socket);
        NriStub stub = stub(socket)) {
      FakeRuntime.Session s = runtime.nextSession(WAIT);
      s.call("Synchronize", io.cainjekt.nri.proto.SynchronizeRequest.getDefaultInstance());
      int cases = Mutator.cases(600);
      for (int i = 0; i < cases; i++) {
        Mutator m = Mutator.forCase(i);
        Request seed = m.pick(seeds);
        byte[] payload = m.mutate(seed.getPayload().toByteArray());
        try {
          s.plugin.call(
              PluginService.SERVICE, seed.getMethod(), payload, Duration.ofSeconds(5), Map.of());
        } catch (TtrpcStatusException e) {
          assertThat(e.code()).as("case %d: %s", i, e.getMessage()).isIn(ANSWERS);
        }
      }

      byte[] answer =
          s.call(
              "CreateContainer",
              CreateContainerRequest.newBuilder()
                  .setPod(PodSandbox.newBuilder().setName("web"))
                  .setContainer(Container.newBuilder().setName("app").addEnv("A=b"))
                  .build());
      assertThat(CreateContainerResponse.parseFrom(answer).getAdjust().getAnnotationsMap())
          .containsEntry("seen", "3/1");
      assertThat(s.mux.closedFuture()).isNotDone();
      assertThat(stub.ready()).isTrue();
    }
  }

  @Test
  void aMutatedContainerdSessionEndsInADisconnectAndTheStubReconnects() throws Exception {
    byte[] containerd = CaptureReplayTest.sessionStreams(1).get(2).toByteArray();
    Path socket = dir.resolve("raw.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      try (NriStub stub = stub(socket)) {
        int cases = Mutator.cases(20);
        for (int i = 0; i < cases; i++) {
          Mutator m = Mutator.forCase(i);
          try (SocketChannel peer = server.accept()) {
            for (byte[] chunk : m.chunks(m.mutate(containerd))) {
              peer.write(ByteBuffer.wrap(chunk));
            }
            peer.shutdownOutput();
            drainUntilClosed(peer);
          }
        }
        try (SocketChannel last = server.accept()) {
          assertThat(last.isConnected()).as("the stub dials again after every case").isTrue();
          assertThat(stub.ready()).isFalse();
        }
      }
    }
  }

  /** Reads what the stub writes until it closes its side; a hang fails the test by timeout. */
  private static void drainUntilClosed(SocketChannel peer) throws Exception {
    ByteBuffer sink = ByteBuffer.allocate(64 << 10);
    long deadline = System.nanoTime() + WAIT.toNanos();
    try (var selector = java.nio.channels.Selector.open()) {
      peer.configureBlocking(false);
      peer.register(selector, java.nio.channels.SelectionKey.OP_READ);
      while (true) {
        long left = deadline - System.nanoTime();
        assertThat(left).as("the stub closed the mutated session in time").isPositive();
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        int n;
        try {
          n = peer.read(sink.clear());
        } catch (java.io.IOException ignored) {
          return; // reset by the stub: closed as well
        }
        if (n < 0) {
          return;
        }
      }
    }
  }

  private static Request request(String file) {
    try {
      return NriVectorsTest.request(file);
    } catch (Exception e) {
      throw new IllegalStateException(file, e);
    }
  }
}
