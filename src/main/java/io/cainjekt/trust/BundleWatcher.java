// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.trust;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named thread that runs a reload whenever a watched directory reports a change (a ConfigMap
 * swapping its {@code ..data} symlink, an editor replacing a file) and at least once per polling
 * interval, which covers file systems without change events. Thread-safe; close once.
 */
final class BundleWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BundleWatcher.class);

  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);

  private final WatchService watchService;
  private final Duration pollInterval;
  private final Runnable reload;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;

  private BundleWatcher(WatchService watchService, Duration pollInterval, Runnable reload) {
    this.watchService = watchService;
    this.pollInterval = pollInterval;
    this.reload = reload;
    this.thread =
        Thread.ofPlatform().name("cainjekt-bundle-watch").daemon(true).unstarted(this::run);
  }

  static BundleWatcher start(List<NamedSource> sources, Duration pollInterval, Runnable reload) {
    if (pollInterval.compareTo(MIN_POLL_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "bundle poll interval must be at least " + MIN_POLL_INTERVAL + ", got " + pollInterval);
    }
    WatchService service;
    try {
      service = FileSystems.getDefault().newWatchService();
    } catch (IOException e) {
      throw new IllegalStateException("create watch service for CA bundles", e);
    }
    BundleWatcher watcher = new BundleWatcher(service, pollInterval, reload);
    for (Path dir : watchedDirectories(sources)) {
      watcher.register(dir);
    }
    watcher.thread.start();
    return watcher;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        watchService.close();
      } catch (IOException ignored) {
        // closing an inotify descriptor cannot fail in a way we could act on
      }
    }
  }

  private static Set<Path> watchedDirectories(List<NamedSource> sources) {
    Set<Path> dirs = new LinkedHashSet<>();
    for (NamedSource source : sources) {
      Path path = source.path().toAbsolutePath();
      dirs.add(Files.isDirectory(path) ? path : path.getParent());
    }
    return dirs;
  }

  private void register(Path dir) {
    try {
      dir.register(
          watchService,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      log.atWarn()
          .setMessage("trust: cannot watch bundle directory, polling only")
          .addKeyValue("path", dir)
          .setCause(e)
          .log();
    }
  }

  private void run() {
    while (!closed.get()) {
      try {
        WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
        reload.run();
      } catch (ClosedWatchServiceException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.atError().setMessage("trust: bundle reload failed").setCause(e).log();
      }
    }
  }
}
