// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.nri.proto.ConfigureRequest;
import io.cainjekt.nri.proto.ConfigureResponse;
import io.cainjekt.nri.proto.Container;
import io.cainjekt.nri.proto.CreateContainerRequest;
import io.cainjekt.nri.proto.CreateContainerResponse;
import io.cainjekt.nri.proto.PodSandbox;
import io.cainjekt.nri.proto.StartContainerRequest;
import io.cainjekt.nri.proto.StateChangeEvent;
import io.cainjekt.nri.proto.SynchronizeRequest;
import io.cainjekt.nri.proto.SynchronizeResponse;
import io.cainjekt.nri.proto.UpdateContainersRequest;
import io.cainjekt.wire.mux.ConnIds;
import io.cainjekt.wire.ttrpc.ConnectionClosedException;
import io.cainjekt.wire.ttrpc.GoldenHex;
import io.cainjekt.wire.ttrpc.StatusCode;
import io.cainjekt.wire.ttrpc.TtrpcStatusException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NriStubTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
  private NriStub stub;
  private FakeRuntime runtime;

  @AfterEach
  void tearDown() throws Exception {
    if (stub != null) {
      stub.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  /** Overrides Synchronize, CreateContainer, StartContainer and RemoveContainer only. */
  private NriPlugin recordingHandlers() {
    return new NriPlugin() {
      @Override
      public void synchronize(SyncSnapshot s) {
        seen.add("sync pods=" + s.pods().size() + " containers=" + s.containers().size());
      }

      @Override
      public Adjustment createContainer(PodInfo pod, ContainerInfo c) {
        seen.add("create " + c.name() + " env=" + c.env());
        return new Adjustment(
            List.of(new Mount("/etc/cainjekt", "bind", "/run/x", List.of("rbind", "ro"))),
            Map.of("SSL_CERT_FILE", "/etc/cainjekt/ca-bundle.pem"),
            Map.of("cainjekt.io/injected", "true"));
      }

      @Override
      public void startContainer(PodInfo pod, ContainerInfo c) {
        seen.add("start " + c.name() + " pid=" + c.pid());
      }

      @Override
      public void removeContainer(PodInfo pod, ContainerInfo c) {
        if (c.name().equals("boom")) {
          throw new IllegalStateException("staging is gone");
        }
        seen.add("remove " + c.name());
      }
    };
  }

  private FakeRuntime.Session startAndConnect() throws Exception {
    Path socket = dir.resolve("nri.sock");
    runtime = new FakeRuntime(socket);
    stub = new NriStub(options(socket), recordingHandlers());
    stub.start();
    return runtime.nextSession(WAIT);
  }

  private static NriStub.Options options(Path socket) {
    return new NriStub.Options(
        socket,
        "cainjekt",
        "10",
        Duration.ofSeconds(2),
        new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
  }

  private static PodSandbox pod() {
    return PodSandbox.newBuilder().setId("pod-1").setName("web").setNamespace("default").build();
  }

  private static Container container(String name, int pid) {
    return Container.newBuilder()
        .setId("c-" + name)
        .setPodSandboxId("pod-1")
        .setName(name)
        .setPid(pid)
        .addEnv("FOO=bar")
        .build();
  }

  private void configureAndSync(FakeRuntime.Session s) throws Exception {
    s.call("Configure", ConfigureRequest.newBuilder().setRuntimeName("fake").build());
    s.call("Synchronize", SynchronizeRequest.getDefaultInstance());
  }

  @Test
  void registersWithNameAndIndexThenAnswersConfigureWithTheMaskOfItsHandlers() throws Exception {
    FakeRuntime.Session s = startAndConnect();

    assertThat(s.registered.get().getPluginName()).isEqualTo("cainjekt");
    assertThat(s.registered.get().getPluginIdx()).isEqualTo("10");
    ConfigureResponse response =
        ConfigureResponse.parseFrom(
            s.call("Configure", ConfigureRequest.newBuilder().setRuntimeName("fake").build()));
    assertThat(response.getEvents()).isEqualTo(1064);
  }

  @Test
  void synchronizeOverSeveralRoundsDeliversOneSnapshotAndMakesTheStubReady() throws Exception {
    FakeRuntime.Session s = startAndConnect();
    s.call("Configure", ConfigureRequest.getDefaultInstance());
    SynchronizeResponse first =
        SynchronizeResponse.parseFrom(
            s.call(
                "Synchronize",
                SynchronizeRequest.newBuilder()
                    .addPods(pod())
                    .addContainers(container("a", 1))
                    .setMore(true)
                    .build()));
    assertThat(first.getMore()).isTrue();
    assertThat(stub.ready()).isFalse();
    s.call("Synchronize", SynchronizeRequest.newBuilder().addContainers(container("b", 2)).build());

    assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("sync pods=1 containers=2");
    assertThat(stub.state()).isEqualTo(NriState.SYNCHRONIZED);
  }

  @Test
  void createContainerIsAnsweredWithTheHandlersAdjustment() throws Exception {
    FakeRuntime.Session s = startAndConnect();
    configureAndSync(s);
    seen.clear();

    CreateContainerResponse response =
        CreateContainerResponse.parseFrom(
            s.call(
                "CreateContainer",
                CreateContainerRequest.newBuilder()
                    .setPod(pod())
                    .setContainer(container("app", 0))
                    .build()));

    assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("create app env=[FOO=bar]");
    assertThat(response.getAdjust().getMounts(0).getDestination()).isEqualTo("/etc/cainjekt");
    assertThat(response.getAdjust().getMounts(0).getOptionsList()).containsExactly("rbind", "ro");
    assertThat(response.getAdjust().getEnv(0).getKey()).isEqualTo("SSL_CERT_FILE");
    assertThat(response.getAdjust().getAnnotationsMap())
        .containsEntry("cainjekt.io/injected", "true");
  }

  @Test
  void startContainerArrivesBothAsStateChangeAndAsDedicatedRpc() throws Exception {
    FakeRuntime.Session s = startAndConnect();
    configureAndSync(s);
    seen.clear();

    s.call(
        "StateChange",
        StateChangeEvent.newBuilder()
            .setEventValue(Event.START_CONTAINER.number())
            .setPod(pod())
            .setContainer(container("old", 41))
            .build());
    s.call(
        "StartContainer",
        StartContainerRequest.newBuilder()
            .setPod(pod())
            .setContainer(container("new", 42))
            .build());

    assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("start old pid=41");
    assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("start new pid=42");
  }

  @Test
  void aHandlerExceptionBecomesAStatusAndTheConnectionStaysUp() throws Exception {
    FakeRuntime.Session s = startAndConnect();
    configureAndSync(s);

    assertThatThrownBy(
            () ->
                s.call(
                    "StateChange",
                    StateChangeEvent.newBuilder()
                        .setEventValue(Event.REMOVE_CONTAINER.number())
                        .setPod(pod())
                        .setContainer(container("boom", 0))
                        .build()))
        .isInstanceOfSatisfying(
            TtrpcStatusException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNKNOWN))
        .hasMessageContaining("staging is gone");
    assertThat(stub.ready()).isTrue();
  }

  @Test
  void anUnknownPluginMethodIsAnsweredUnimplemented() throws Exception {
    FakeRuntime.Session s = startAndConnect();

    assertThatThrownBy(() -> s.call("ValidateContainerAdjustment", pod()))
        .isInstanceOfSatisfying(
            TtrpcStatusException.class,
            e -> assertThat(e.code()).isEqualTo(StatusCode.UNIMPLEMENTED));
  }

  @Test
  void configureArrivingBeforeTheRegisterResponseIsServed() throws Exception {
    Path socket = dir.resolve("nri.sock");
    runtime = new FakeRuntime(socket);
    runtime.beforeRegisterReply(
        s ->
            seen.add(
                "configured before register reply, mask="
                    + ConfigureResponse.parseFrom(
                            s.call("Configure", ConfigureRequest.getDefaultInstance()))
                        .getEvents()));
    stub = new NriStub(options(socket), recordingHandlers());
    stub.start();
    runtime.nextSession(WAIT);

    assertThat(seen.poll(5, TimeUnit.SECONDS))
        .isEqualTo("configured before register reply, mask=1064");
  }

  @Test
  void afterTheRuntimeGoesAwayTheStubReconnectsAndSynchronizesAgain() throws Exception {
    FakeRuntime.Session first = startAndConnect();
    configureAndSync(first);
    assertThat(seen.poll(5, TimeUnit.SECONDS)).startsWith("sync");

    first.close();
    FakeRuntime.Session second = runtime.nextSession(WAIT);
    assertThat(stub.ready()).isFalse();
    configureAndSync(second);

    assertThat(seen.poll(5, TimeUnit.SECONDS)).startsWith("sync");
    assertThat(stub.ready()).isTrue();
  }

  @Test
  void aMissingSocketIsRetriedUntilTheRuntimeAppears() throws Exception {
    Path socket = dir.resolve("later.sock");
    stub = new NriStub(options(socket), recordingHandlers());
    stub.start();
    assertThat(stub.state()).isEqualTo(NriState.DISCONNECTED);

    runtime = new FakeRuntime(socket);
    FakeRuntime.Session s = runtime.nextSession(WAIT);
    configureAndSync(s);

    assertThat(seen.poll(5, TimeUnit.SECONDS)).startsWith("sync");
  }

  @Test
  void anEvictionAskedForDuringSynchronizeLeavesAsUpdateContainersAfterTheReply() throws Exception {
    Path socket = dir.resolve("nri.sock");
    runtime = new FakeRuntime(socket);
    List<CompletableFuture<Void>> asked = new CopyOnWriteArrayList<>();
    stub =
        new NriStub(
            options(socket),
            NriHandlers.builder()
                .synchronize(
                    s ->
                        asked.add(
                            stub.evictContainers(List.of(new ContainerEviction("c-late", "stop")))))
                .build());
    stub.start();
    FakeRuntime.Session s = runtime.nextSession(WAIT);

    configureAndSync(s);

    byte[] payload = s.updateContainers.poll(5, TimeUnit.SECONDS);
    assertThat(payload)
        .containsExactly(GoldenHex.load("frames/update-containers-evict-request.hex"));
    UpdateContainersRequest request = UpdateContainersRequest.parseFrom(payload);
    assertThat(request.getUpdateList()).isEmpty();
    assertThat(request.getEvict(0).getContainerId()).isEqualTo("c-late");
    assertThat(request.getEvict(0).getReason()).isEqualTo("stop");
    assertThat(asked).singleElement().satisfies(f -> f.get(5, TimeUnit.SECONDS));
    // read in this order: RegisterPlugin request, Configure and Synchronize replies, the eviction
    assertThat(s.arrivals)
        .containsExactly(ConnIds.RUNTIME, ConnIds.PLUGIN, ConnIds.PLUGIN, ConnIds.RUNTIME);
  }

  @Test
  void anEvictionWithoutAConnectionFailsAtOnce() {
    stub = new NriStub(options(dir.resolve("none.sock")), recordingHandlers());

    assertThat(stub.evictContainers(List.of(new ContainerEviction("c-late", "stop"))))
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .withCauseInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void closeIsIdempotentAndLeavesTheStubDisconnected() throws Exception {
    startAndConnect();
    stub.close();
    stub.close();

    assertThat(stub.state()).isEqualTo(NriState.DISCONNECTED);
  }
}
