// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.Outcome;
import io.cainjekt.inject.ProcessorResult;
import io.cainjekt.observe.RejectedInput;
import io.cainjekt.rootfs.RootfsRefusal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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

  /** The distinct reasons the container root refused a path, over all failed processors. */
  static Set<RootfsRefusal> refusals(InjectionReport report) {
    Set<RootfsRefusal> out = EnumSet.noneOf(RootfsRefusal.class);
    for (ProcessorResult r : report.results()) {
      if (r.outcome() instanceof Outcome.Failed f) {
        f.refusal().ifPresent(out::add);
      }
    }
    return out;
  }

  /** The metric kind of a refusal. */
  static RejectedInput rejectedInput(RootfsRefusal refusal) {
    return switch (refusal) {
      case ESCAPE -> RejectedInput.ROOTFS_ESCAPE;
      case SYMLINK_LOOP -> RejectedInput.SYMLINK_LOOP;
      case DANGLING_SYMLINK -> RejectedInput.DANGLING_SYMLINK;
      case NOT_REGULAR_FILE -> RejectedInput.NOT_REGULAR_FILE;
      case OVERSIZED_FILE -> RejectedInput.OVERSIZED_FILE;
    };
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
