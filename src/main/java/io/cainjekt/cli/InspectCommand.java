// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import io.cainjekt.observe.ContainerReport;
import io.cainjekt.observe.ContainerReportCodec;
import io.cainjekt.observe.HttpAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cainjekt inspect}: asks a running plugin's /containers endpoint which containers it
 * injected and prints them as a table or JSON (docs/architecture.md, "Command line").
 */
@Command(
    name = "inspect",
    description = "List the containers a running plugin injected, with their status.")
final class InspectCommand implements Callable<Integer> {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--http-address",
      paramLabel = "HOST:PORT",
      defaultValue = HttpAddress.DEFAULT,
      description =
          "Address of the plugin's HTTP endpoint (default: ${DEFAULT-VALUE};"
              + " env CAINJEKT_HTTP_ADDRESS)")
  private String httpAddress;

  @Option(
      names = "--json",
      defaultValue = "false",
      description =
          "Print the JSON document instead of a table (default: ${DEFAULT-VALUE};"
              + " env CAINJEKT_JSON)")
  private boolean json;

  @Parameters(
      arity = "0..1",
      paramLabel = "CONTAINER-ID-PREFIX",
      description = "Show only containers whose id starts with this.")
  private String idPrefix;

  @Override
  public Integer call() {
    HttpAddress address;
    try {
      address = HttpAddress.parse(httpAddress);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--http-address: " + e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    URI uri = uri(address);
    List<ContainerReport> reports;
    try {
      reports = fetch(uri);
    } catch (ConnectException e) {
      err.println(
          "cainjekt inspect: nothing listens on "
              + address.clientBaseUrl()
              + " (is the plugin running on this node? set --http-address or"
              + " CAINJEKT_HTTP_ADDRESS)");
      return Main.EXIT_FAILURE;
    } catch (HttpTimeoutException e) {
      err.println(
          "cainjekt inspect: no answer from " + uri + " within " + TIMEOUT.toSeconds() + " s");
      return Main.EXIT_FAILURE;
    } catch (IOException e) {
      err.println("cainjekt inspect: " + uri + ": " + e.getMessage());
      return Main.EXIT_FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("cainjekt inspect: interrupted");
      return Main.EXIT_FAILURE;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(new String(ContainerReportCodec.encode(reports), StandardCharsets.UTF_8));
      out.println();
    } else {
      printTable(out, reports);
    }
    out.flush();
    return Main.EXIT_OK;
  }

  private URI uri(HttpAddress address) {
    String query =
        idPrefix == null || idPrefix.isEmpty()
            ? ""
            : "?id=" + URLEncoder.encode(idPrefix, StandardCharsets.UTF_8);
    return URI.create(address.clientBaseUrl() + "/containers" + query);
  }

  private static List<ContainerReport> fetch(URI uri) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      HttpRequest request =
          HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").build();
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IOException(
            "HTTP "
                + response.statusCode()
                + " (is this a cainjekt plugin? it serves /containers since 0.1)");
      }
      try {
        return ContainerReportCodec.decode(response.body());
      } catch (IOException e) {
        throw new IOException("answer is not a /containers document: " + e.getMessage(), e);
      }
    }
  }

  static void printTable(PrintWriter out, List<ContainerReport> reports) {
    if (reports.isEmpty()) {
      out.println("no injected containers");
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "CONTAINER",
          "NAMESPACE",
          "POD",
          "NAME",
          "STATE",
          "DISTRO",
          "RUNTIMES",
          "FILES",
          "BUNDLE",
          "CA-SHA256",
          "OUTDATED"
        });
    for (ContainerReport r : reports) {
      rows.add(
          new String[] {
            r.shortId(),
            orDash(r.namespace()),
            orDash(r.pod()),
            orDash(r.container()),
            r.state().name().toLowerCase(java.util.Locale.ROOT),
            orDash(r.distro()),
            r.runtimes().isEmpty() ? "-" : String.join(",", r.runtimes()),
            Integer.toString(r.filesWritten().size()),
            orDash(r.bundle()),
            r.caSha256() == null
                ? "-"
                : r.caSha256().substring(0, Math.min(12, r.caSha256().length())),
            r.outdated() ? "yes" : "no"
          });
    }
    int[] widths = new int[rows.getFirst().length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
    printDetails(out, reports);
  }

  /** Below the table, one line per container whose state needs a sentence (e.g. late). */
  private static void printDetails(PrintWriter out, List<ContainerReport> reports) {
    List<ContainerReport> detailed = reports.stream().filter(r -> !r.detail().isEmpty()).toList();
    if (detailed.isEmpty()) {
      return;
    }
    out.println();
    for (ContainerReport r : detailed) {
      out.println(
          r.shortId()
              + " "
              + r.state().name().toLowerCase(java.util.Locale.ROOT)
              + ": "
              + r.detail());
    }
  }

  private static String orDash(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }
}
