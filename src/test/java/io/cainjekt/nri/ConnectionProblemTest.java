// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.nri.ConnectionProblem.Cause;
import io.cainjekt.nri.proto.ConfigureRequest;
import io.cainjekt.nri.proto.SynchronizeRequest;
import io.cainjekt.wire.ttrpc.TtrpcProtocolException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stub names why it is not connected (issue 23): each cause of docs/troubleshooting.md's "not
 * ready" table, produced by a real socket situation or a FakeRuntime speaking mux + ttrpc.
 */
class ConnectionProblemTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final BlockingQueue<String> reasons = new LinkedBlockingQueue<>();
  private final CountDownLatch never = new CountDownLatch(1);
  private NriStub stub;
  private FakeRuntime runtime;

  @AfterEach
  void tearDown() throws Exception {
    never.countDown();
    if (stub != null) {
      stub.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void aMissingSocketIsNamedWithItsPath() throws Exception {
    Path socket = dir.resolve("nri.sock");
    start(socket);

    assertThat(awaitReason(Cause.SOCKET_MISSING))
        .isEqualTo(
            "NRI socket missing: "
                + socket
                + " does not exist (NRI disabled in containerd's config, or containerd not up)");
    assertThat(stub.state()).isEqualTo(NriState.DISCONNECTED);
  }

  @Test
  void aStaleSocketFileIsConnectionRefused() throws Exception {
    Path socket = dir.resolve("nri.sock");
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(socket)); // closing leaves the file, like a SIGKILL
    }
    assertThat(Files.exists(socket)).isTrue();
    start(socket);

    assertThat(awaitReason(Cause.CONNECTION_REFUSED))
        .startsWith("connection refused: nothing accepts on " + socket);
  }

  @Test
  void aRegistrationTheRuntimeAnswersWithAnErrorIsRefused() throws Exception {
    startAgainst(
        s -> {
          throw new IllegalArgumentException("invalid plugin index");
        });

    assertThat(awaitReason(Cause.REGISTRATION_REFUSED))
        .startsWith("registration refused: ")
        .contains("invalid plugin index");
  }

  @Test
  void aRegistrationWithoutAnAnswerTimesOut() throws Exception {
    startAgainst(s -> never.await());

    assertThat(awaitReason(Cause.REGISTRATION_TIMED_OUT))
        .startsWith("registration timed out: ")
        .contains("RegisterPlugin");
  }

  @Test
  void aConnectionTheRuntimeClosesIsNamedAndClearedOnReconnect() throws Exception {
    Path socket = dir.resolve("nri.sock");
    runtime = new FakeRuntime(socket);
    start(socket);
    FakeRuntime.Session first = runtime.nextSession(WAIT);
    first.call("Configure", ConfigureRequest.getDefaultInstance());
    first.call("Synchronize", SynchronizeRequest.getDefaultInstance());
    assertThat(stub.problem()).isEmpty();

    first.close();

    assertThat(awaitReason(Cause.RUNTIME_CLOSED))
        .startsWith("the runtime closed the connection: peer closed the connection");
    FakeRuntime.Session second = runtime.nextSession(WAIT);
    second.call("Configure", ConfigureRequest.getDefaultInstance());
    second.call("Synchronize", SynchronizeRequest.getDefaultInstance());
    assertThat(stub.ready()).isTrue();
    assertThat(stub.problem()).isEmpty();
  }

  @Test
  void anotherDialErrorOnAnExistingFileIsCannotConnectWithTheError() throws Exception {
    Path file = Files.createFile(dir.resolve("not-a-socket"));

    ConnectionProblem p =
        ConnectionProblem.ofConnect(file, new SocketException("Permission denied"));

    assertThat(p.cause()).isEqualTo(Cause.CONNECT_FAILED);
    assertThat(p.reason()).isEqualTo("cannot connect: " + file + ": Permission denied");
  }

  @Test
  void aConnectionEndedByOurSideIsConnectionLostWithTheError() {
    ConnectionProblem p =
        ConnectionProblem.ofSessionEnd(new TtrpcProtocolException("stream id 4 must be odd"));

    assertThat(p.cause()).isEqualTo(Cause.CONNECTION_LOST);
    assertThat(p.reason()).isEqualTo("connection lost: stream id 4 must be odd");
  }

  @Test
  void everyCauseIsQuotedInTheTroubleshootingTable() throws Exception {
    Path doc = Path.of(System.getProperty("cainjekt.basedir", "."), "docs/troubleshooting.md");
    String text = Files.readString(doc);
    for (Cause cause : Cause.values()) {
      assertThat(text)
          .as("docs/troubleshooting.md quotes %s", cause)
          .contains("`runtime_connected: " + cause.phrase());
    }
  }

  /** Starts the stub against a FakeRuntime that runs {@code hook} inside RegisterPlugin. */
  private void startAgainst(FakeRuntime.BeforeRegisterReply hook) throws Exception {
    Path socket = dir.resolve("nri.sock");
    runtime = new FakeRuntime(socket);
    runtime.beforeRegisterReply(hook);
    start(socket);
  }

  private void start(Path socket) {
    stub =
        new NriStub(
            new NriStub.Options(
                socket,
                "cainjekt",
                "10",
                Duration.ofMillis(300),
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(200))),
            NriHandlers.builder().synchronize(s -> {}).build());
    stub.addStateListener(
        state -> stub.problem().ifPresent(p -> reasons.add(p.cause() + "|" + p.reason())));
    stub.start();
  }

  /** The first reason of {@code cause} the stub reported. */
  private String awaitReason(Cause cause) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String next = reasons.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (next != null && next.startsWith(cause + "|")) {
        return next.substring(next.indexOf('|') + 1);
      }
    }
    throw new AssertionError("no " + cause + " reported within " + WAIT + "; saw " + reasons);
  }
}
