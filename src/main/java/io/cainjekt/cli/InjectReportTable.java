// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.Outcome;
import io.cainjekt.inject.ProcessorResult;
import java.io.PrintWriter;
import java.util.List;

/** The human-readable output of {@code cainjekt inject}: one row per processor, then the paths. */
final class InjectReportTable {

  private InjectReportTable() {}

  static void print(PrintWriter out, InjectionReport report, List<String> staged, boolean dryRun) {
    out.println("distro: " + report.distro().orElse("(no os-release ID)"));
    out.printf("%-16s %-8s %s%n", "PROCESSOR", "OUTCOME", "DETAIL");
    for (ProcessorResult r : report.results()) {
      out.printf("%-16s %-8s %s%n", r.processorId(), outcome(r.outcome()), r.outcome().detail());
    }
    String verb = dryRun ? "would change" : "changed";
    for (ProcessorResult r : report.results()) {
      if (r.outcome() instanceof Outcome.Applied a) {
        a.changedPaths().forEach(p -> out.println(verb + ": " + p));
      }
    }
    if (staged != null) {
      staged.forEach(p -> out.println((dryRun ? "would stage: " : "staged: ") + p));
    }
  }

  private static String outcome(Outcome o) {
    return switch (o) {
      case Outcome.Applied a -> "applied";
      case Outcome.Skipped s -> "skipped";
      case Outcome.Failed f -> "FAILED";
    };
  }
}
