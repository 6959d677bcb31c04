// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.deploy;

import io.cainjekt.observe.ContainerReport;
import io.cainjekt.observe.ContainerReportCodec;
import io.cainjekt.observe.HealthServer;
import io.cainjekt.observe.HttpAddress;
import io.cainjekt.observe.Metrics;
import io.cainjekt.observe.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exercises on a jlink'd runtime what {@code --help} does not load: logging, the metrics registry
 * with JVM metrics, the JDK HTTP server and client, and JSON. {@link JlinkRuntimeIT} runs it with
 * {@code target/jre/bin/java}; it prints "probe ok" and exits 0, or fails with a stack trace.
 */
public final class RuntimeProbe {

  private static final Logger log = LoggerFactory.getLogger(RuntimeProbe.class);

  private RuntimeProbe() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    Metrics metrics = new Metrics();
    metrics.injected("debian");
    Readiness readiness = new Readiness();
    readiness.condition("probe", "never ready").fail("probe");
    ContainerReport report =
        new ContainerReport(
            "abc",
            "ns",
            "pod",
            "c",
            ContainerReport.State.INJECTED,
            "debian",
            List.of(),
            List.of(),
            "default",
            "00",
            false,
            List.of(),
            "");
    try (HealthServer server =
            HealthServer.start(
                new HttpAddress("127.0.0.1", 0), metrics, readiness, () -> List.of(report));
        HttpClient client = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + server.port();
      String body = get(client, base + "/metrics");
      if (!body.contains("cainjekt_injections_total{distro=\"debian\"} 1")
          || !body.contains("jvm_memory_used_bytes")) {
        throw new IllegalStateException("metrics incomplete:\n" + body);
      }
      List<ContainerReport> decoded =
          ContainerReportCodec.decode(get(client, base + "/containers").getBytes());
      if (!decoded.equals(List.of(report))) {
        throw new IllegalStateException("containers differ: " + decoded);
      }
    }
    log.atInfo().setMessage("probe: done").addKeyValue("java", Runtime.version()).log();
    System.out.println("probe ok");
  }

  private static String get(HttpClient client, String uri) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(uri + " answered " + response.statusCode());
    }
    return response.body();
  }
}
