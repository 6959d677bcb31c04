// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cainjekt.observe.ContainerReport;
import io.cainjekt.observe.ContainerReportCodec;
import io.cainjekt.observe.HealthServer;
import io.cainjekt.observe.HttpAddress;
import io.cainjekt.observe.Metrics;
import io.cainjekt.observe.Readiness;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class InspectCommandTest {

  private static final ContainerReport WEB =
      new ContainerReport(
          "4f1c2a9b8e7d6c5b4a39281706f5e4d3",
          "team-a",
          "web-7d9f",
          "app",
          ContainerReport.State.INJECTED,
          "debian",
          List.of("/etc/ssl/certs/ca-certificates.crt", "/etc/cainjekt/truststore.p12"),
          List.of("java", "python"),
          "default",
          "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          false,
          List.of(),
          "");
  private static final ContainerReport OLD =
      new ContainerReport(
          "a0b1c2d3e4f5a6b7c8d9",
          "team-b",
          "batch-1",
          "job",
          ContainerReport.State.FAILED,
          "",
          List.of(),
          List.of(),
          "tenant-b",
          null,
          true,
          List.of("merge trust store /etc/ssl/cert.pem: read-only"),
          "");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private HealthServer server;

  @BeforeEach
  void start() throws IOException {
    Readiness readiness = new Readiness();
    server =
        HealthServer.start(
            new HttpAddress("127.0.0.1", 0), new Metrics(), readiness, () -> List.of(WEB, OLD));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int run(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void printsATableOfEveryInjectedContainer() {
    int code = run("inspect", "--http-address", "127.0.0.1:" + server.port());

    assertThat(code).isEqualTo(Main.EXIT_OK);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("CONTAINER").contains("DISTRO", "CA-SHA256", "OUTDATED");
    assertThat(lines.get(1))
        .startsWith("4f1c2a9b8e7d")
        .contains("team-a", "web-7d9f", "injected", "debian", "java,python", "9f86d081884c")
        .endsWith("no");
    assertThat(lines.get(2))
        .startsWith("a0b1c2d3e4f5")
        .contains("failed", "tenant-b")
        .endsWith("yes");
  }

  @Test
  void aLateStarterIsListedAsLateWithItsDetailBelowTheTable() {
    ContainerReport late =
        new ContainerReport(
            "b7e5c1d2a3f4b5c6d7e8",
            "team-a",
            "worker-1",
            "app",
            ContainerReport.State.LATE,
            "debian",
            List.of("/etc/ssl/certs/ca-certificates.crt"),
            List.of(),
            "default",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            false,
            List.of(),
            "started while the plugin was not running: OS trust store only");
    PrintWriter writer = new PrintWriter(out, true);

    InspectCommand.printTable(writer, List.of(WEB, late));

    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(2)).startsWith("b7e5c1d2a3f4").contains("late", "debian");
    assertThat(lines.get(3)).isEmpty();
    assertThat(lines.get(4))
        .isEqualTo(
            "b7e5c1d2a3f4 late: started while the plugin was not running: OS trust store only");
  }

  @Test
  void aPrefixSelectsContainers() {
    assertThat(run("inspect", "--http-address", "127.0.0.1:" + server.port(), "a0b1")).isZero();
    assertThat(out.toString()).contains("a0b1c2d3e4f5").doesNotContain("4f1c2a9b8e7d");
  }

  @Test
  void jsonPrintsTheDocument() throws IOException {
    assertThat(run("inspect", "--json", "--http-address", "127.0.0.1:" + server.port())).isZero();
    assertThat(ContainerReportCodec.decode(out.toString().getBytes(StandardCharsets.UTF_8)))
        .containsExactly(WEB, OLD);
  }

  @Test
  void nothingListeningIsAClearErrorWithExitOne() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    int code = run("inspect", "--http-address", "127.0.0.1:" + port);

    assertThat(code).isEqualTo(Main.EXIT_FAILURE);
    assertThat(err.toString())
        .contains("nothing listens on http://127.0.0.1:" + port)
        .contains("--http-address");
  }

  @Test
  void somethingElseListeningIsNamed() throws IOException {
    HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext(
        "/",
        exchange -> {
          byte[] body = "<html>hello</html>".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (exchange) {
            exchange.getResponseBody().write(body);
          }
        });
    other.start();
    try {
      int code = run("inspect", "--http-address", "127.0.0.1:" + other.getAddress().getPort());
      assertThat(code).isEqualTo(Main.EXIT_FAILURE);
      assertThat(err.toString()).contains("answer is not a /containers document");
    } finally {
      other.stop(0);
    }
  }

  @Test
  void aPrefixMatchingNothingSaysSo() {
    int code = run("inspect", "--http-address", "127.0.0.1:" + server.port(), "zzz");
    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo("no injected containers\n");
  }

  @Test
  void aBadAddressIsAUsageError() {
    assertThat(run("inspect", "--http-address", "9443")).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("--http-address").contains("HOST:PORT");
  }
}
