// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The start-up check of the Linux capabilities docs/security.md documents: as uid 0 the plugin
 * needs exactly these three and refuses to start without one of them, naming it and what needs it,
 * instead of failing later on the first container that needs it. Other uids are not checked (a
 * plugin not running as root cannot reach other containers' roots anyway; it is a developer run).
 * Stateless.
 */
public final class Capabilities {

  /** A documented capability: its bit in {@code CapEff} and what the plugin does with it. */
  enum Needed {
    CAP_CHOWN(0, "give a rewritten trust store its previous non-root owner back"),
    CAP_DAC_OVERRIDE(1, "write trust stores in directories only their non-root owner may write to"),
    CAP_SYS_PTRACE(19, "open /proc/<pid>/root of containers and /proc/1/root of the host");

    final int bit;
    final String neededTo;

    Needed(int bit, String neededTo) {
      this.bit = bit;
      this.neededTo = neededTo;
    }
  }

  private Capabilities() {}

  /**
   * Checks this process.
   *
   * @throws MissingCapabilityException naming every documented capability that is missing
   * @throws IOException if {@code /proc/self/status} cannot be read
   */
  public static void check() throws IOException {
    Optional<String> missing = missing(Files.readString(Path.of("/proc/self/status")));
    if (missing.isPresent()) {
      throw new MissingCapabilityException(missing.get());
    }
  }

  /**
   * What is missing according to a {@code /proc/<pid>/status} text: empty when the effective uid is
   * not 0 or every documented capability is effective.
   *
   * @throws IOException if the text has no parsable {@code Uid:} or {@code CapEff:} line
   */
  static Optional<String> missing(String status) throws IOException {
    if (!field(status, "Uid").split("\\s+")[1].equals("0")) {
      return Optional.empty();
    }
    long effective;
    try {
      effective = HexFormat.fromHexDigitsToLong(field(status, "CapEff"));
    } catch (IllegalArgumentException e) {
      throw new IOException("read /proc/self/status: CapEff is not 16 hex digits", e);
    }
    List<String> lines = new ArrayList<>();
    for (Needed cap : Needed.values()) {
      if ((effective & (1L << cap.bit)) == 0) {
        lines.add("missing capability " + cap.name() + ": needed to " + cap.neededTo);
      }
    }
    return lines.isEmpty()
        ? Optional.empty()
        : Optional.of(
            String.join("; ", lines)
                + " (add it to the container's securityContext.capabilities; docs/security.md)");
  }

  private static String field(String status, String name) throws IOException {
    return status
        .lines()
        .filter(l -> l.startsWith(name + ":"))
        .map(l -> l.substring(name.length() + 1).strip())
        .filter(v -> !v.isEmpty())
        .findFirst()
        .orElseThrow(() -> new IOException("read /proc/self/status: no " + name + " line"));
  }
}
