// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import io.cainjekt.rootfs.RootfsRefusal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What one processor did to one container root. */
public sealed interface Outcome {

  /** A short human sentence: what was done, why nothing was done, or what failed. */
  String detail();

  /**
   * The processor changed (or, in a dry run, would change) the root or the staged files.
   *
   * @param detail what was done
   * @param changedPaths container paths written (or that a dry run would write), in order
   */
  record Applied(String detail, List<String> changedPaths) implements Outcome {
    public Applied {
      Objects.requireNonNull(detail, "detail");
      changedPaths = List.copyOf(changedPaths);
    }
  }

  /**
   * The processor did nothing, deliberately.
   *
   * @param detail the reason, e.g. "no JDK found" or "excluded by processor filter"
   */
  record Skipped(String detail) implements Outcome {
    public Skipped {
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The processor failed; the pipeline carried on with the next one.
   *
   * @param containerPath the container path being worked on, or "" when none applies
   * @param detail what was tried and why it failed
   * @param refusal why the container root refused the path, when the image was the cause
   */
  record Failed(String containerPath, String detail, Optional<RootfsRefusal> refusal)
      implements Outcome {
    public Failed {
      Objects.requireNonNull(containerPath, "containerPath");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(refusal, "refusal");
    }

    /** A failure that is not a refusal of the image's paths. */
    public Failed(String containerPath, String detail) {
      this(containerPath, detail, Optional.empty());
    }
  }
}
