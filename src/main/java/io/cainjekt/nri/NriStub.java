// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.nri;

import io.cainjekt.nri.proto.ConfigureRequest;
import io.cainjekt.wire.ttrpc.ConnectionClosedException;
import io.cainjekt.wire.ttrpc.TtrpcStatusException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NRI plugin that dials the runtime's socket, registers, answers Configure with the events its
 * {@link NriPlugin} overrides, takes Synchronize and calls the plugin's method of each event. When
 * the connection goes away it reconnects with capped exponential backoff and synchronizes again; it
 * never gives up and never exits the process. One named supervisor thread ({@code nri-stub}) runs
 * the connect loop.
 *
 * <p>Thread-safe.
 */
public final class NriStub implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NriStub.class);

  /**
   * How to reach and present ourselves to the runtime.
   *
   * @param socket the runtime's NRI socket
   * @param pluginName our name
   * @param pluginIndex two-digit invocation order, e.g. {@code 10}
   * @param registrationTimeout how long RegisterPlugin may take
   * @param backoff reconnect delays
   */
  public record Options(
      Path socket,
      String pluginName,
      String pluginIndex,
      Duration registrationTimeout,
      Backoff backoff) {
    public Options {
      Objects.requireNonNull(socket, "socket");
      Objects.requireNonNull(pluginName, "pluginName");
      Objects.requireNonNull(pluginIndex, "pluginIndex");
      Objects.requireNonNull(registrationTimeout, "registrationTimeout");
      Objects.requireNonNull(backoff, "backoff");
    }
  }

  private final Options options;
  private final NriPlugin plugin;
  private final AtomicReference<NriState> state = new AtomicReference<>(NriState.DISCONNECTED);
  private final AtomicReference<ConnectionProblem> problem = new AtomicReference<>();
  private final List<Consumer<NriState>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<NriSession> session = new AtomicReference<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile Thread supervisor;

  public NriStub(Options options, NriPlugin plugin) {
    this.options = Objects.requireNonNull(options, "options");
    this.plugin = Objects.requireNonNull(plugin, "plugin");
  }

  /** Starts connecting in the background; returns at once. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    Thread t = Thread.ofPlatform().name("nri-stub").daemon(true).unstarted(this::superviseLoop);
    supervisor = t;
    t.start();
  }

  public NriState state() {
    return state.get();
  }

  /** Whether events flow (registered and synchronized): the readiness signal. */
  public boolean ready() {
    return state.get() == NriState.SYNCHRONIZED;
  }

  /**
   * Why the stub is not connected now: the cause of the last failed dial, registration or lost
   * connection; empty before the first attempt and while connected.
   */
  public Optional<ConnectionProblem> problem() {
    return Optional.ofNullable(problem.get());
  }

  /**
   * Calls {@code listener} on every state change and every change of {@link #problem()}, on the
   * thread that caused it.
   */
  public void addStateListener(Consumer<NriState> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Asks the runtime to stop {@code evictions}' containers (Runtime/UpdateContainers on connection
   * 2), after the current session's Synchronize has been answered; returns at once and may be
   * called from a handler, Synchronize included. The future completes when the runtime answered OK,
   * which does not mean it stopped anything: containerd up to 2.1 accepts the request and ignores
   * its evictions. It fails with {@link ConnectionClosedException} when there is no session or it
   * ends first, and with {@link TtrpcStatusException} when the runtime answers another status.
   */
  public CompletableFuture<Void> evictContainers(List<ContainerEviction> evictions) {
    NriSession s = session.get();
    if (s == null) {
      return CompletableFuture.failedFuture(
          new ConnectionClosedException("not connected to the runtime"));
    }
    return s.evictContainers(List.copyOf(evictions));
  }

  /** Disconnects and stops reconnecting. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stop.countDown();
    NriSession s = session.getAndSet(null);
    if (s != null) {
      s.close();
    }
    Thread t = supervisor;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    setState(NriState.DISCONNECTED);
  }

  private void superviseLoop() {
    ProtoRecords.warmUp();
    int attempt = 0;
    boolean socketProblemLogged = false;
    try {
      while (!closed.get()) {
        long startNanos = System.nanoTime();
        SessionListener listener = new SessionListener(startNanos);
        NriSession s;
        try {
          s = connect(listener);
          socketProblemLogged = false;
        } catch (IOException e) {
          reportProblem(ConnectionProblem.ofConnect(options.socket(), e));
          Duration delay = options.backoff().delay(attempt++);
          logConnectFailure(e, delay, !socketProblemLogged);
          socketProblemLogged = true;
          waitOrStop(delay);
          continue;
        }
        IOException cause = runSession(s, listener);
        if (closed.get()) {
          return;
        }
        attempt = listener.synced ? 0 : attempt;
        log.atWarn()
            .setMessage("nri: connection lost")
            .addKeyValue("socket", options.socket())
            .addKeyValue("reason", cause.getMessage())
            .log();
        Duration delay = options.backoff().delay(attempt++);
        log.atInfo()
            .setMessage("nri: reconnecting")
            .addKeyValue("socket", options.socket())
            .addKeyValue("delay_ms", delay.toMillis())
            .log();
        waitOrStop(delay);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) { // boundary: the supervisor must outlive a bug, loudly
      log.atError().setMessage("nri: supervisor failed").setCause(e).log();
    }
  }

  private NriSession connect(SessionListener listener) throws IOException {
    NriSession s = NriSession.open(options.socket(), new PluginService(plugin, listener));
    session.set(s);
    if (closed.get()) {
      s.close();
      throw new ConnectionClosedException("stub closed");
    }
    return s;
  }

  private IOException runSession(NriSession s, SessionListener listener)
      throws InterruptedException {
    try {
      s.register(options.pluginName(), options.pluginIndex(), options.registrationTimeout());
      problem.set(null);
      state.compareAndSet(NriState.DISCONNECTED, NriState.CONNECTED);
      notifyListeners();
      log.atInfo()
          .setMessage("nri: registered")
          .addKeyValue("plugin_name", options.pluginName())
          .addKeyValue("plugin_idx", options.pluginIndex())
          .addKeyValue("socket", options.socket())
          .log();
    } catch (TtrpcStatusException | IOException e) {
      problem.set(ConnectionProblem.ofRegistration(e));
      s.close(new ConnectionClosedException("registration failed: " + e.getMessage(), e));
    }
    IOException cause = s.awaitClosed();
    listener.live = false;
    session.compareAndSet(s, null);
    problem.compareAndSet(null, ConnectionProblem.ofSessionEnd(cause));
    state.set(NriState.DISCONNECTED);
    notifyListeners(); // always: the problem changed even when the state did not
    return cause;
  }

  private void logConnectFailure(IOException e, Duration delay, boolean loud) {
    if (loud) {
      log.atError()
          .setMessage(
              "nri: cannot connect to the runtime's NRI socket; is NRI enabled in containerd?"
                  + " [plugins.\"io.containerd.nri.v1.nri\"] disable = false; or set"
                  + " --nri-socket; retrying with backoff")
          .addKeyValue("socket", options.socket())
          .addKeyValue("error", String.valueOf(e.getMessage()))
          .log();
    }
    log.atDebug()
        .setMessage("nri: reconnecting")
        .addKeyValue("socket", options.socket())
        .addKeyValue("delay_ms", delay.toMillis())
        .log();
  }

  private void waitOrStop(Duration delay) throws InterruptedException {
    boolean ignored = stop.await(delay.toNanos(), TimeUnit.NANOSECONDS); // true means closing
  }

  private void reportProblem(ConnectionProblem next) {
    if (!next.equals(problem.getAndSet(next))) {
      notifyListeners();
    }
  }

  private void setState(NriState next) {
    if (state.getAndSet(next) != next) {
      notifyListeners();
    }
  }

  private void notifyListeners() {
    NriState current = state.get();
    listeners.forEach(l -> l.accept(current));
  }

  /** Milestones of one session; ignored once the session is over. */
  private final class SessionListener implements PluginService.Listener {
    private final long startNanos;
    private volatile boolean live = true;
    private volatile boolean synced;

    SessionListener(long startNanos) {
      this.startNanos = startNanos;
    }

    @Override
    public void configured(EventMask mask, ConfigureRequest request) {
      log.atInfo()
          .setMessage("nri: configured")
          .addKeyValue("mask", mask.bits())
          .addKeyValue("events", mask.events())
          .addKeyValue("runtime", request.getRuntimeName())
          .addKeyValue("runtime_version", request.getRuntimeVersion())
          .log();
    }

    @Override
    public void synchronizedWith(SyncSnapshot snapshot) {
      synced = true;
      log.atInfo()
          .setMessage("nri: synchronized")
          .addKeyValue("pods", snapshot.pods().size())
          .addKeyValue("containers", snapshot.containers().size())
          .addKeyValue("since_connect_ms", (System.nanoTime() - startNanos) / 1_000_000)
          .log();
      if (live) {
        // a synchronized session has no problem, even if the registering thread has not yet
        // cleared the last session's (the runtime may configure and sync before it runs on)
        problem.set(null);
        setState(NriState.SYNCHRONIZED);
      }
    }

    @Override
    public void shutdownRequested() {
      log.atInfo().setMessage("nri: shutdown requested by the runtime").log();
    }
  }
}
