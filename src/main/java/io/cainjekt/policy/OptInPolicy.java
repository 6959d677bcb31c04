// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether one container is injected (docs/architecture.md, "Opt-in and configuration").
 * Pure and thread-safe.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>{@code <prefix>/enabled} is read from the pod annotation, the pod label and the namespace
 *       label. A value is {@code true} or {@code false}, case-insensitive, surrounding whitespace
 *       ignored ({@code "TRUE "} is true, with a warning to write it canonically). Anything else
 *       ({@code "yes"}, {@code "1"}, {@code ""}) is invalid.
 *   <li>An explicit {@code false} at any level wins: opted out.
 *   <li>Otherwise the most specific level that is set decides (annotation, then pod label, then
 *       namespace label): {@code true} opts in; an invalid value is not an opt-in (ambiguous intent
 *       never injects) and is reported as {@link Decision.Reason#INVALID_VALUE}.
 *   <li>Nothing set on the pod and the namespace labels unknown: {@link
 *       Decision.Reason#NAMESPACE_UNKNOWN}, not injected. A pod that opts in itself is injected
 *       even when the namespace is unknown (a namespace opt-out cannot be seen then).
 *   <li>An opted-in container named in the configured exclusions or in the pod's {@code
 *       <prefix>/exclude-containers} (comma list) is not injected.
 *   <li>{@code <prefix>/bundle} picks a configured bundle; absent or blank means the default. An
 *       unknown name is not injected ({@link Decision.Reason#UNKNOWN_BUNDLE}): a pod that asks for
 *       a tenant's CAs must never silently get another set.
 * </ol>
 *
 * Near-miss keys are reported in {@link Decision#warnings()} whatever the outcome.
 */
public final class OptInPolicy {

  static final String ENABLED = "enabled";
  static final String EXCLUDE_CONTAINERS = "exclude-containers";
  static final String PROCESSORS_INCLUDE = "processors.include";
  static final String PROCESSORS_EXCLUDE = "processors.exclude";
  static final String BUNDLE = "bundle";

  /** At most this many entries are read from one comma list; the rest is ignored with a warning. */
  static final int MAX_LIST_ENTRIES = 256;

  private final PolicyConfig config;
  private final NearMissKeys nearMiss;

  /** A policy for this configuration. */
  public OptInPolicy(PolicyConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.nearMiss = new NearMissKeys(config.prefix());
  }

  /** The decision for one container; never throws for any annotation or label content. */
  public Decision decide(PolicyInput input) {
    List<String> warnings = new ArrayList<>(nearMiss.check(input));
    ProcessorSelection processors = processors(input.podAnnotations(), warnings);
    OptIn optIn = optIn(input, warnings);
    if (optIn.reason() != Decision.Reason.OPTED_IN) {
      return skip(optIn.source(), optIn.reason(), optIn.detail(), processors, warnings);
    }
    String name = input.containerName();
    Set<String> podExclusions =
        list(input.podAnnotations(), EXCLUDE_CONTAINERS, warnings).orElse(Set.of());
    if (config.excludedContainers().contains(name) || podExclusions.contains(name)) {
      String by = podExclusions.contains(name) ? "the pod's " + key(EXCLUDE_CONTAINERS) : "default";
      return skip(
          optIn.source(),
          Decision.Reason.EXCLUDED_CONTAINER,
          "container '" + NearMissKeys.printable(name) + "' is excluded (" + by + ")",
          processors,
          warnings);
    }
    String requested = input.podAnnotations().get(key(BUNDLE));
    String bundle = requested == null ? "" : requested.strip();
    if (requested != null && bundle.isEmpty()) {
      warnings.add(key(BUNDLE) + " is blank; using the default bundle");
    }
    if (bundle.isEmpty()) {
      bundle = config.defaultBundle();
    } else if (!config.bundleNames().contains(bundle)) {
      return skip(
          optIn.source(),
          Decision.Reason.UNKNOWN_BUNDLE,
          "bundle '"
              + NearMissKeys.printable(bundle)
              + "' is not configured; configured: "
              + config.bundleNames(),
          processors,
          warnings);
    }
    return new Decision(
        true,
        optIn.source(),
        optIn.reason(),
        optIn.detail(),
        Optional.of(bundle),
        processors,
        warnings);
  }

  private record OptIn(Decision.Source source, Decision.Reason reason, String detail) {}

  private record Level(Decision.Source source, String what, Optional<Boolean> value, boolean set) {}

  private OptIn optIn(PolicyInput input, List<String> warnings) {
    String key = key(ENABLED);
    List<Level> levels =
        List.of(
            level(
                Decision.Source.POD_ANNOTATION, "pod annotation", input.podAnnotations(), warnings),
            level(Decision.Source.POD_LABEL, "pod label", input.podLabels(), warnings),
            level(
                Decision.Source.NAMESPACE_LABEL,
                "namespace label",
                input.namespaceLabels().orElse(Map.of()),
                warnings));
    for (Level l : levels) {
      if (l.value().equals(Optional.of(false))) {
        return new OptIn(l.source(), Decision.Reason.OPTED_OUT, l.what() + " " + key + "=false");
      }
    }
    for (Level l : levels) {
      if (l.value().equals(Optional.of(true))) {
        return new OptIn(l.source(), Decision.Reason.OPTED_IN, l.what() + " " + key + "=true");
      }
      if (l.set()) {
        return new OptIn(
            l.source(),
            Decision.Reason.INVALID_VALUE,
            l.what() + " " + key + " is neither \"true\" nor \"false\"");
      }
    }
    if (input.namespaceLabels().isEmpty()) {
      return new OptIn(
          Decision.Source.NONE,
          Decision.Reason.NAMESPACE_UNKNOWN,
          "pod does not opt in and the namespace labels are unknown");
    }
    return new OptIn(Decision.Source.NONE, Decision.Reason.NOT_OPTED_IN, "no " + key + " set");
  }

  private Level level(
      Decision.Source source, String what, Map<String, String> map, List<String> warnings) {
    String raw = map.get(key(ENABLED));
    if (raw == null) {
      return new Level(source, what, Optional.empty(), false);
    }
    String v = raw.strip().toLowerCase(Locale.ROOT);
    Optional<Boolean> value =
        switch (v) {
          case "true" -> Optional.of(true);
          case "false" -> Optional.of(false);
          default -> Optional.empty();
        };
    if (value.isEmpty()) {
      warnings.add(
          what
              + " "
              + key(ENABLED)
              + "='"
              + NearMissKeys.printable(raw)
              + "' is invalid: use \"true\" or \"false\"");
    } else if (!raw.equals(v)) {
      warnings.add(
          what
              + " "
              + key(ENABLED)
              + "='"
              + NearMissKeys.printable(raw)
              + "' read as "
              + v
              + ": write it in lowercase without spaces");
    }
    return new Level(source, what, value, true);
  }

  private ProcessorSelection processors(Map<String, String> annotations, List<String> warnings) {
    Optional<Set<String>> include = list(annotations, PROCESSORS_INCLUDE, warnings);
    Optional<Set<String>> exclude = list(annotations, PROCESSORS_EXCLUDE, warnings);
    if (include.isPresent() && include.get().isEmpty()) {
      warnings.add(key(PROCESSORS_INCLUDE) + " lists nothing; every processor runs");
    }
    return new ProcessorSelection(include.orElse(Set.of()), exclude.orElse(Set.of()));
  }

  /** The stripped, non-empty entries of a comma list annotation; empty when the key is absent. */
  private Optional<Set<String>> list(
      Map<String, String> annotations, String name, List<String> warnings) {
    String raw = annotations.get(key(name));
    if (raw == null) {
      return Optional.empty();
    }
    Set<String> entries = new LinkedHashSet<>();
    int start = 0;
    while (start <= raw.length()) {
      int comma = raw.indexOf(',', start);
      int end = comma < 0 ? raw.length() : comma;
      String entry = raw.substring(start, end).strip();
      if (!entry.isEmpty()) {
        if (entries.size() == MAX_LIST_ENTRIES) {
          warnings.add(key(name) + " has more than " + MAX_LIST_ENTRIES + " entries; rest ignored");
          break;
        }
        entries.add(entry);
      }
      start = end + 1;
    }
    return Optional.of(Set.copyOf(entries));
  }

  private Decision skip(
      Decision.Source source,
      Decision.Reason reason,
      String detail,
      ProcessorSelection processors,
      List<String> warnings) {
    return new Decision(false, source, reason, detail, Optional.empty(), processors, warnings);
  }

  private String key(String name) {
    return config.key(name);
  }
}
