// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 23: /readyz names why the plugin is not ready, in the words docs/troubleshooting.md,
 * NOTES.txt and the DaemonSet's comment quote. Each cause is made for real on the e2e containerd:
 * NRI disabled in its config (containerd's restart ends the connection and leaves a stale socket
 * that refuses; without the file, as after a reboot, the socket is missing), a containerd killed
 * with SIGKILL (the connection ends, then its stale socket refuses), and a containerd that accepts
 * but does not answer (SIGSTOP right after its socket appears: registration times out). Prints
 * every /readyz body it saw.
 */
@ExtendWith(ContainerdExtension.class)
class ReadinessCausesIT {

  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final Pattern BACKTICKED = Pattern.compile("`(runtime_connected: [^`]*)`");
  private static final Pattern QUOTED = Pattern.compile("\"(runtime_connected: [^\"]*)\"");

  /**
   * Causes that cannot be made with a real containerd here, covered by ConnectionProblemTest: a
   * RegisterPlugin answered with an error (containerd refuses only an empty name or a bad index,
   * which the plugin's own flag checks refuse first), a socket that cannot be opened for another
   * reason (root opens any socket), and a connection that fails on the plugin's side.
   */
  private static final Set<String> NOT_MADE_HERE =
      Set.of(
          "runtime_connected: registration refused",
          "runtime_connected: cannot connect",
          "runtime_connected: connection lost");

  private final Containerd containerd;
  private final Path dir;

  ReadinessCausesIT(Containerd containerd) {
    this.containerd = containerd;
    this.dir = containerd.dir();
  }

  @Test
  void readyzNamesEachCauseInTheWordsTheDocsQuote() throws Exception {
    try (PluginProcess plugin =
            PluginLaunch.of(
                    containerd,
                    containerd.basedir().resolve("target/e2e/plugin-readiness-causes.log"))
                .launch();
        ReadyzWatch readyz = new ReadyzWatch(plugin.httpPort())) {
      readyz.await("200 ok", WAIT);

      // NRI disabled in containerd's config and containerd restarted: containerd leaves its old
      // socket file behind (1.7.24 and 2.1.9 alike), so the plugin is refused; after a reboot
      // (/run is a tmpfs) the file is gone and the socket is missing
      script(Map.of("NRI_DISABLE", "true"), "restart");
      readyz.await("runtime_connected: the runtime closed the connection", WAIT);
      readyz.await("runtime_connected: connection refused", WAIT);
      Files.delete(containerd.nriSocket()); // what the reboot of a node does
      readyz.await("runtime_connected: NRI socket missing", WAIT);
      containerd.restart();
      readyz.await("200 ok", WAIT);

      // a containerd killed with SIGKILL: the connection ends, its socket file stays behind
      long killed = daemonPid();
      Shell.run(Duration.ofSeconds(10), List.of("kill", "-KILL", Long.toString(killed)));
      readyz.await("runtime_connected: the runtime closed the connection", WAIT);
      readyz.await("runtime_connected: connection refused", WAIT);

      // a containerd that accepts but never answers: stopped right after its socket appears
      registrationTimesOutOnAStoppedContainerd(readyz);
      readyz.await("200 ok", WAIT);
      assertThat(plugin.isAlive()).isTrue();

      List<String> bodies = readyz.bodies();
      System.out.println("/readyz bodies, in order:\n" + String.join("\n----\n", bodies));
      assertDocsQuoteWhatWasSeen(bodies);
    }
  }

  private void registrationTimesOutOnAStoppedContainerd(ReadyzWatch readyz) throws Exception {
    Path socket = containerd.nriSocket();
    Object staleCtime = Files.getAttribute(socket, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    Path startLog = dir.resolve("start-for-readiness.log");
    List<String> start = new ArrayList<>(command(Map.of(), "start"));
    Process starting = Shell.start(start, startLog);
    long pid = 0;
    try {
      pid = awaitNewSocketThenStop(socket, staleCtime);
      readyz.await("runtime_connected: registration timed out", WAIT);
    } finally {
      if (pid != 0) {
        Shell.run(Duration.ofSeconds(10), List.of("kill", "-CONT", Long.toString(pid)));
      }
      assertThat(starting.waitFor(60, TimeUnit.SECONDS)).as("containerd.sh start").isTrue();
      assertThat(starting.exitValue()).as(Files.readString(startLog)).isZero();
    }
  }

  /**
   * Polls for the socket the starting containerd creates (a new change time: inode numbers are
   * reused at once on some file systems), then stops that containerd.
   */
  private long awaitNewSocketThenStop(Path socket, Object staleCtime) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Object ctime;
      try {
        ctime = Files.getAttribute(socket, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        // containerd unlinks the stale socket before it binds the new one
        Thread.onSpinWait();
        continue;
      }
      if (!ctime.equals(staleCtime)) {
        long pid = daemonPid();
        Shell.run(Duration.ofSeconds(10), List.of("kill", "-STOP", Long.toString(pid)));
        return pid;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("containerd did not create " + socket + " within " + WAIT);
  }

  /** Every quoted readiness line of the three documents appears in a body /readyz answered. */
  private void assertDocsQuoteWhatWasSeen(List<String> bodies) throws IOException {
    Path base = containerd.basedir();
    Set<String> quoted = new LinkedHashSet<>();
    quoted.addAll(find(BACKTICKED, base.resolve("docs/troubleshooting.md")));
    List<String> notes = find(QUOTED, base.resolve("deploy/helm/cainjekt/templates/NOTES.txt"));
    List<String> comment =
        find(QUOTED, base.resolve("deploy/helm/cainjekt/templates/daemonset.yaml"));
    assertThat(notes).as("NOTES.txt quotes /readyz").isNotEmpty();
    assertThat(comment).as("the DaemonSet comment quotes /readyz").isNotEmpty();
    quoted.addAll(notes);
    quoted.addAll(comment);
    assertThat(quoted)
        .as("docs/troubleshooting.md quotes the causes")
        .contains(
            "runtime_connected: NRI socket missing",
            "runtime_connected: connection refused",
            "runtime_connected: registration timed out",
            "runtime_connected: the runtime closed the connection");
    for (String quote : quoted) {
      if (NOT_MADE_HERE.contains(quote)) {
        continue;
      }
      // a full example line names the default socket and may wrap in the Markdown source
      String line =
          quote
              .replace("/var/run/nri/nri.sock", containerd.nriSocket().toString())
              .replaceAll("\\s+", " ");
      assertThat(bodies).as("a /readyz body contains %s", line).anyMatch(b -> b.contains(line));
    }
  }

  private static List<String> find(Pattern pattern, Path file) throws IOException {
    Matcher m = pattern.matcher(Files.readString(file));
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private long daemonPid() throws IOException {
    return Long.parseLong(Files.readString(containerd.pidFile()).strip());
  }

  private String script(Map<String, String> env, String command) {
    return Shell.run(Duration.ofMinutes(2), command(env, command));
  }

  private List<String> command(Map<String, String> env, String command) {
    List<String> cmd =
        new ArrayList<>(List.of("env", "CONTAINERD_VERSION=" + containerd.release().id()));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.add(containerd.basedir().resolve("e2e/containerd.sh").toString());
    cmd.add(command);
    cmd.add(dir.toString());
    return cmd;
  }

  /** Polls /readyz every 10 ms on its own thread and keeps each body that differs from the last. */
  private static final class ReadyzWatch implements AutoCloseable {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI uri;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> changes = new LinkedBlockingQueue<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    ReadyzWatch(int port) {
      uri = URI.create("http://127.0.0.1:" + port + "/readyz");
      Thread.ofPlatform().name("readyz-poller").daemon(true).start(this::poll);
    }

    private void poll() {
      String last = null;
      while (stop.getCount() > 0) {
        String body = fetch();
        if (!body.equals(last)) {
          bodies.add(body);
          changes.add(body);
          last = body;
        }
        try {
          boolean ignored = stop.await(10, TimeUnit.MILLISECONDS); // true means closing
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private String fetch() {
      try {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body().strip();
      } catch (IOException e) {
        return "unreachable";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }

    /** Waits for a body containing {@code fragment} that arrives after the previous await. */
    void await(String fragment, Duration timeout) throws InterruptedException {
      Predicate<String> match = b -> b.contains(fragment);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String next = changes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (next != null && match.test(next)) {
          return;
        }
      }
      throw new AssertionError(
          "/readyz never said \"" + fragment + "\" within " + timeout + "; saw " + bodies);
    }

    List<String> bodies() {
      return List.copyOf(bodies);
    }

    @Override
    public void close() {
      stop.countDown();
      http.close();
    }
  }
}
