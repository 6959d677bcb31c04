// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.InjectionRequest;
import io.cainjekt.inject.Pipeline;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.ContentMemo;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cainjekt inject}: runs the injection pipeline offline on a directory that is a container
 * root (docs/architecture.md, "Command line"), writes the OS store changes and the {@code
 * /etc/cainjekt} files into it, and prints what changed. Exit 0 when every processor succeeded, 1
 * when one failed, 2 on bad usage.
 */
@Command(
    name = "inject",
    description = "Inject CAs into a container root directory offline and print what changed.")
final class InjectCommand implements Callable<Integer> {

  /** Where the staged files go inside the root, as the daemon's bind mount shows them. */
  static final String STAGING_DIR = "/etc/cainjekt";

  private static final long MAX_CA_BUNDLE_BYTES = 16 << 20;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--rootfs",
      paramLabel = "DIR",
      description = "The container root directory (required; env CAINJEKT_ROOTFS)")
  private Path rootfs;

  @Option(
      names = "--ca-bundle",
      paramLabel = "PATH",
      description = "PEM file with the CAs to inject (required; env CAINJEKT_CA_BUNDLE)")
  private Path caBundle;

  @Option(
      names = "--env",
      paramLabel = "KEY=VALUE",
      description =
          "A variable of the container's environment, such as JAVA_HOME or PATH; repeatable"
              + " (default: none; env CAINJEKT_ENV, one pair)")
  private List<String> env = new ArrayList<>();

  @Option(
      names = "--dry-run",
      defaultValue = "false",
      description =
          "Compute and print the changes, write nothing (default: ${DEFAULT-VALUE};"
              + " env CAINJEKT_DRY_RUN)")
  private boolean dryRun;

  @Option(
      names = "--json",
      defaultValue = "false",
      description =
          "Print status.json instead of a table (default: ${DEFAULT-VALUE}; env CAINJEKT_JSON)")
  private boolean json;

  @Override
  public Integer call() {
    PemBundle cas = readCas();
    Map<String, String> containerEnv = parseEnv();
    InjectionReport report;
    List<String> staged;
    try (RootFs root = openRoot()) {
      report =
          Pipeline.standard(new ContentMemo())
              .run(InjectionRequest.offline(root, cas, containerEnv, dryRun));
      staged = stage(root, report);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(report.files().get(InjectionReport.STATUS).toStringUtf8());
    } else {
      InjectReportTable.print(out, report, staged, dryRun);
    }
    out.flush();
    return report.anyFailed() || staged == null ? Main.EXIT_FAILURE : Main.EXIT_OK;
  }

  /** Writes the staged files under /etc/cainjekt in the root; null when that failed. */
  private List<String> stage(RootFs root, InjectionReport report) {
    List<String> paths = new ArrayList<>();
    report.files().keySet().forEach(name -> paths.add(STAGING_DIR + "/" + name));
    if (dryRun) {
      return paths;
    }
    try {
      if (!root.isDirectory(STAGING_DIR)) {
        root.createDirectories(STAGING_DIR);
      }
      for (var file : report.files().entrySet()) {
        root.writeAtomically(
            STAGING_DIR + "/" + file.getKey(),
            file.getValue(),
            PosixFilePermissions.fromString("rw-r--r--"));
      }
      return paths;
    } catch (IOException e) {
      spec.commandLine()
          .getErr()
          .println("cainjekt inject: write " + STAGING_DIR + ": " + e.getMessage());
      return null;
    }
  }

  private PemBundle readCas() {
    if (caBundle == null) {
      throw usage("--ca-bundle is required (or set CAINJEKT_CA_BUNDLE)");
    }
    if (!Files.isRegularFile(caBundle)) {
      throw usage("--ca-bundle " + caBundle + ": not a regular file");
    }
    try (InputStream in = Files.newInputStream(caBundle)) {
      byte[] pem = in.readNBytes((int) MAX_CA_BUNDLE_BYTES + 1);
      if (pem.length > MAX_CA_BUNDLE_BYTES) {
        throw usage("--ca-bundle " + caBundle + ": larger than " + MAX_CA_BUNDLE_BYTES + " bytes");
      }
      return PemBundle.parseStrict(caBundle.toString(), pem);
    } catch (IOException e) {
      throw usage("--ca-bundle " + caBundle + ": " + e.getMessage());
    }
  }

  private Map<String, String> parseEnv() {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String entry : env) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw usage("--env " + entry + ": expected KEY=VALUE");
      }
      parsed.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    return parsed;
  }

  private RootFs openRoot() {
    if (rootfs == null) {
      throw usage("--rootfs is required (or set CAINJEKT_ROOTFS)");
    }
    try {
      return RootFs.openForInjection(rootfs);
    } catch (IOException e) {
      throw usage("--rootfs " + rootfs + ": " + e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
