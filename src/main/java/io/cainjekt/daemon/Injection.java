// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.InjectionReport;
import io.cainjekt.observe.ContainerReport.State;
import io.cainjekt.trust.Fingerprint;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The outcome of the injection of one container and of its convergence since: replaced as a whole
 * at each step (staged, injected, converging, failed), never edited. The named steps below are the
 * only ways from one outcome to the next.
 *
 * @param state how far injection got
 * @param caHash the version of the bundle the container holds
 * @param root the container root, once found
 * @param distro detected os-release ID, or "none"; empty before the first pipeline run
 * @param filesWritten container paths the last run wrote
 * @param runtimes language runtimes the last run detected
 * @param errors errors of the last run (and drifted entries), or why it failed
 */
record Injection(
    State state,
    Fingerprint caHash,
    Optional<ContainerRoots.Root> root,
    String distro,
    List<String> filesWritten,
    List<String> runtimes,
    List<String> errors) {

  Injection {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(caHash, "caHash");
    filesWritten = List.copyOf(filesWritten);
    runtimes = List.copyOf(runtimes);
    errors = List.copyOf(errors);
  }

  /** No pipeline run yet: no distro, files, runtimes or errors. */
  static Injection before(State state, Fingerprint caHash, Optional<ContainerRoots.Root> root) {
    return new Injection(state, caHash, root, "", List.of(), List.of(), List.of());
  }

  /** The outcome of a pipeline run on {@code root} with bundle version {@code caHash}. */
  static Injection after(
      InjectionReport report, Fingerprint caHash, ContainerRoots.Root root, boolean late) {
    return ofRun(stateAfter(report, late), caHash, Optional.of(root), report);
  }

  /** The same outcome in another state (converging, or failed without a report). */
  Injection in(State newState) {
    return new Injection(newState, caHash, root, distro, filesWritten, runtimes, errors);
  }

  /** Failed before a run had a report: the exception's message is the error. */
  Injection failed(Exception e) {
    return new Injection(
        State.FAILED,
        caHash,
        root,
        distro,
        filesWritten,
        runtimes,
        List.of(String.valueOf(e.getMessage())));
  }

  /**
   * This outcome with what the run of an earlier plugin process recorded in the container's {@code
   * status.json} ({@code recorded}, as {@code inject.StatusDocument} reads it back): its distro,
   * the paths it changed, the runtimes it found and its errors. A restarted plugin reports a
   * container it injected before the same way as the process that injected it.
   */
  Injection recorded(InjectionReport recorded) {
    return ofRun(state, caHash, root, recorded);
  }

  /** A container not started yet whose staged files now hold version {@code newHash}. */
  Injection restaged(Fingerprint newHash) {
    return new Injection(state, newHash, root, distro, filesWritten, runtimes, errors);
  }

  /** The distro, files, runtimes and errors of {@code report}'s run. */
  private static Injection ofRun(
      State state, Fingerprint caHash, Optional<ContainerRoots.Root> root, InjectionReport report) {
    return new Injection(
        state,
        caHash,
        root,
        report.distro().orElse("none"),
        Reports.changedPaths(report),
        Reports.runtimes(report),
        Stream.concat(
                Reports.errors(report).stream(), report.drifted().stream().map(d -> "drift: " + d))
            .toList());
  }

  /** A container's state after a pipeline run on its root. */
  private static State stateAfter(InjectionReport report, boolean late) {
    if (report.anyFailed()) {
      return State.FAILED;
    }
    if (!report.drifted().isEmpty()) {
      return State.DRIFTED;
    }
    return late ? State.LATE : State.INJECTED;
  }
}
