// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Merges the injection's environment into a container's own (docs/architecture.md, "What a
 * container sees"). Pure, immutable and thread-safe.
 *
 * <p>Rules: a variable the container already sets is never overwritten, even when its value is
 * empty. The one exception is {@code JAVA_TOOL_OPTIONS}: our options are appended after a space,
 * unless the container's value already sets {@code -Djavax.net.ssl.trustStore=} (then it is kept:
 * the image chose its own store). Other {@code javax.net.ssl.*} properties (type, password) do not
 * count as naming a store. When the container sets a name twice, the first occurrence is the
 * effective one, as glibc {@code getenv} (and so the JVM launcher) sees it; a trust store named in
 * any occurrence still counts. Malformed entries (no {@code '='}, empty name) are skipped and
 * reported by position only, never by content.
 */
public final class EnvMerger {

  /** The variable that is appended to instead of being left alone. */
  public static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

  /** Where the staged directory is bind-mounted in every injected container. */
  public static final String MOUNT_PATH = "/etc/cainjekt";

  /**
   * Where the anchors of the container's bundle are bind-mounted, inside {@link #MOUNT_PATH}: one
   * {@code cainjekt-<fingerprint>.crt} per CA, shared by every container of the bundle.
   */
  public static final String ANCHORS_PATH = MOUNT_PATH + "/" + Staging.ANCHORS;

  private static final Pattern NAMES_TRUST_STORE =
      Pattern.compile("(^|\\s)-Djavax\\.net\\.ssl\\.trustStore=");

  private final List<EnvVar> desired;

  /** A merger for these desired variables (names must be unique). */
  public EnvMerger(List<EnvVar> desired) {
    this.desired = List.copyOf(desired);
    Set<String> names = new LinkedHashSet<>();
    for (EnvVar v : this.desired) {
      if (!names.add(v.name())) {
        throw new IllegalArgumentException("desired variable " + v.name() + " appears twice");
      }
    }
  }

  /**
   * The table of docs/architecture.md, "What a container sees", for the directory mounted at {@link
   * #MOUNT_PATH}.
   */
  public static List<EnvVar> defaultVariables() {
    String bundle = MOUNT_PATH + "/" + Staging.CA_BUNDLE;
    return List.of(
        new EnvVar("SSL_CERT_FILE", bundle),
        new EnvVar("REQUESTS_CA_BUNDLE", bundle),
        new EnvVar("NODE_EXTRA_CA_CERTS", MOUNT_PATH + "/" + Staging.CUSTOM_CA),
        new EnvVar(
            JAVA_TOOL_OPTIONS,
            "-Djavax.net.ssl.trustStore="
                + MOUNT_PATH
                + "/"
                + Staging.TRUSTSTORE
                + " -Djavax.net.ssl.trustStoreType=PKCS12"));
  }

  /** The desired variables, in order. */
  public List<EnvVar> desired() {
    return desired;
  }

  /**
   * The effective environment of a {@code KEY=VALUE} list: first occurrence wins, malformed entries
   * skipped. Handy for building an {@code InjectionRequest}.
   */
  public static Map<String, String> effectiveEnv(List<String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String entry : env) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        out.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return out;
  }

  /** The changes for a container whose environment is this {@code KEY=VALUE} list. */
  public EnvMerge merge(List<String> containerEnv) {
    Map<String, String> effective = new LinkedHashMap<>();
    boolean javaNamesStore = false;
    List<Integer> malformed = new ArrayList<>();
    Set<String> duplicates = new LinkedHashSet<>();
    for (int i = 0; i < containerEnv.size(); i++) {
      String entry = containerEnv.get(i);
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        malformed.add(i);
        continue;
      }
      String name = entry.substring(0, eq);
      String value = entry.substring(eq + 1);
      if (effective.putIfAbsent(name, value) != null) {
        duplicates.add(name);
      }
      if (name.equals(JAVA_TOOL_OPTIONS) && NAMES_TRUST_STORE.matcher(value).find()) {
        javaNamesStore = true;
      }
    }
    List<EnvChange> changes = new ArrayList<>();
    for (EnvVar want : desired) {
      boolean namesStore = javaNamesStore && want.name().equals(JAVA_TOOL_OPTIONS);
      changes.add(change(want, effective.get(want.name()), namesStore));
    }
    return new EnvMerge(changes, malformed, List.copyOf(duplicates));
  }

  private static EnvChange change(EnvVar want, String existing, boolean existingNamesStore) {
    String name = want.name();
    if (existing == null) {
      return new EnvChange(name, EnvChange.Action.ADDED, Optional.of(want.value()), "not set");
    }
    if (!name.equals(JAVA_TOOL_OPTIONS)) {
      return new EnvChange(
          name, EnvChange.Action.KEPT, Optional.empty(), "already set by the container");
    }
    if (existingNamesStore) {
      return new EnvChange(
          name, EnvChange.Action.KEPT, Optional.empty(), "container already names a trustStore");
    }
    String joined = existing.isBlank() ? want.value() : existing + " " + want.value();
    return new EnvChange(
        name, EnvChange.Action.APPENDED, Optional.of(joined), "appended to the container's value");
  }
}
