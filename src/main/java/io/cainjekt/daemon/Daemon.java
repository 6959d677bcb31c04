// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.nri.Backoff;
import io.cainjekt.nri.NriHandlers;
import io.cainjekt.nri.NriState;
import io.cainjekt.nri.NriStub;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code cainjekt run}: builds the components from {@link Config}, starts
 * them, and closes them in reverse order, once. Thread-safe.
 */
public final class Daemon implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  private final Config config;
  private final NriStub nri;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);

  public Daemon(Config config) {
    this(config, EventLogHandlers.create());
  }

  Daemon(Config config, NriHandlers handlers) {
    this.config = Objects.requireNonNull(config, "config");
    Config.Nri n = config.nri();
    this.nri =
        new NriStub(
            new NriStub.Options(
                n.socket(),
                n.pluginName(),
                n.pluginIndex(),
                n.registrationTimeout(),
                Backoff.DEFAULT),
            handlers);
  }

  /** Starts every component; returns at once. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    log.atInfo()
        .setMessage("daemon: starting")
        .addKeyValue("nri_socket", config.nri().socket())
        .addKeyValue("plugin", config.nri().pluginIndex() + "-" + config.nri().pluginName())
        .addKeyValue("ca_bundles", config.caBundles().size())
        .addKeyValue("fail_policy", config.failPolicy())
        .log();
    nri.start();
  }

  /** The runtime connection state, for readiness. */
  public NriState nriState() {
    return nri.state();
  }

  /** Blocks until {@link #close()} ran. */
  public void awaitClosed() throws InterruptedException {
    done.await();
  }

  /** Stops everything in reverse start order. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.atInfo().setMessage("daemon: stopping").log();
    nri.close();
    done.countDown();
  }
}
