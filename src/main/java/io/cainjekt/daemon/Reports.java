// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.Outcome;
import io.cainjekt.inject.ProcessorResult;
import java.util.ArrayList;
import java.util.List;

/** Summaries of an {@link InjectionReport} for the view, metrics and logs. Stateless. */
final class Reports {

  /** Processor ids of runtime detectors start with this; the rest names the runtime. */
  static final String RUNTIME_PREFIX = "runtime-";

  private Reports() {}

  /** Container paths the processors changed, in order. */
  static List<String> changedPaths(InjectionReport report) {
    List<String> out = new ArrayList<>();
    for (ProcessorResult r : report.results()) {
      if (r.outcome() instanceof Outcome.Applied a) {
        out.addAll(a.changedPaths());
      }
    }
    return out;
  }

  /** Language runtimes found: runtime processors that did not skip. */
  static List<String> runtimes(InjectionReport report) {
    return report.results().stream()
        .filter(r -> r.processorId().startsWith(RUNTIME_PREFIX))
        .filter(r -> !(r.outcome() instanceof Outcome.Skipped))
        .map(r -> r.processorId().substring(RUNTIME_PREFIX.length()))
        .toList();
  }

  /** One line per failed processor: id, path and what failed. */
  static List<String> errors(InjectionReport report) {
    List<String> out = new ArrayList<>();
    for (ProcessorResult r : report.results()) {
      if (r.outcome() instanceof Outcome.Failed f) {
        out.add(r.processorId() + " " + f.containerPath() + ": " + f.detail());
      }
    }
    return out;
  }
}
