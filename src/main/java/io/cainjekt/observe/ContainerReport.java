// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.util.List;
import java.util.Objects;

/**
 * One injected container as /containers lists it and {@code cainjekt inspect} prints it. The daemon
 * builds these from its in-memory view; nothing here reads a container root.
 *
 * @param id full container id
 * @param namespace pod namespace
 * @param pod pod name
 * @param container container name
 * @param state how far injection got
 * @param distro detected os-release ID, or "none"; empty before StartContainer
 * @param filesWritten container paths written (trust stores, anchors), in order
 * @param runtimes language runtimes detected (java, node, python, go, ruby, ...)
 * @param bundle name of the configured CA bundle injected
 * @param caSha256 SHA-256 of the injected CA set (hex), identifying the bundle version
 * @param outdated true when the configured bundle changed since this container was injected
 * @param errors human-readable errors of a failed or partial injection
 * @param detail what the state means for this container in a sentence, e.g. for {@link State#LATE}
 *     what it lacks; empty when the state says it all
 */
public record ContainerReport(
    String id,
    String namespace,
    String pod,
    String container,
    State state,
    String distro,
    List<String> filesWritten,
    List<String> runtimes,
    String bundle,
    String caSha256,
    boolean outdated,
    List<String> errors,
    String detail) {

  /** How far injection got for one container. */
  public enum State {
    /** CreateContainer staged the directory and env; StartContainer has not run yet. */
    STAGED,
    /** StartContainer wrote the trust stores. */
    INJECTED,
    /** Injection failed; the container runs with the staged defaults (fail-open). */
    FAILED,
    /**
     * The container started while the plugin was not running and its OS trust store was injected
     * afterwards, in place: it has no {@code /etc/cainjekt} mount and none of the environment
     * variables, which only CreateContainer can give.
     */
    LATE,
    /** A bundle change is being applied to the running container; it holds the older version. */
    CONVERGING,
    /**
     * The last convergence found entries of the plugin's that the container had changed or removed:
     * those of current CAs were restored once, the others left alone ({@code errors} lists each).
     */
    DRIFTED
  }

  /** Validates and copies. */
  public ContainerReport {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    filesWritten = List.copyOf(filesWritten);
    runtimes = List.copyOf(runtimes);
    errors = List.copyOf(errors);
    detail = detail == null ? "" : detail; // absent in the answers of older plugins
  }

  /** The first 12 characters of the id, as {@code crictl ps} shows it. */
  public String shortId() {
    return id.length() <= 12 ? id : id.substring(0, 12);
  }
}
