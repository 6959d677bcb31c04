// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.policy;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Configuration of {@link OptInPolicy}: the annotation/label prefix, the containers excluded by
 * default (service-mesh sidecars and their init containers), and the names of the configured CA
 * bundles, the first being the default one.
 *
 * @param prefix annotation and label prefix without the slash, e.g. {@code cainjekt.io}
 * @param excludedContainers container names never injected, whatever the pod says
 * @param bundleNames configured bundle names in configuration order; the first is the default
 */
public record PolicyConfig(
    String prefix, Set<String> excludedContainers, List<String> bundleNames) {

  /**
   * Default prefix of annotations and labels (docs/architecture.md, "Opt-in and configuration").
   */
  public static final String DEFAULT_PREFIX = "cainjekt.io";

  /** Name of the default bundle when only one unnamed bundle is configured. */
  public static final String DEFAULT_BUNDLE = "default";

  /**
   * Sidecars and init containers of the common service meshes and proxies: they terminate or
   * originate mesh mTLS with their own roots, and rewriting their trust would break the mesh.
   */
  public static final Set<String> DEFAULT_EXCLUDED_CONTAINERS =
      Set.of(
          "istio-proxy",
          "istio-init",
          "istio-validation",
          "linkerd-proxy",
          "linkerd-init",
          "linkerd-network-validator",
          "consul-dataplane",
          "consul-connect-inject-init",
          "envoy-sidecar",
          "kuma-sidecar",
          "kuma-init",
          "aws-appmesh-envoy",
          "proxy-init");

  // RFC 1123 subdomain: what Kubernetes accepts as the prefix part of a key
  private static final Pattern PREFIX_SYNTAX =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int MAX_PREFIX_CHARS = 253;

  /** Validates and copies; a bad prefix or an empty bundle list is an IllegalArgumentException. */
  public PolicyConfig {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.length() > MAX_PREFIX_CHARS || !PREFIX_SYNTAX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "annotation prefix '" + prefix + "' is not a DNS subdomain (lowercase, dots, dashes)");
    }
    excludedContainers = Set.copyOf(excludedContainers);
    bundleNames = List.copyOf(bundleNames);
    if (bundleNames.isEmpty()) {
      throw new IllegalArgumentException("at least one bundle name is required");
    }
    if (Set.copyOf(bundleNames).size() != bundleNames.size()) {
      throw new IllegalArgumentException("bundle names must be unique: " + bundleNames);
    }
  }

  /** The defaults: prefix {@code cainjekt.io}, the mesh sidecars, one bundle named "default". */
  public static PolicyConfig defaults() {
    return new PolicyConfig(DEFAULT_PREFIX, DEFAULT_EXCLUDED_CONTAINERS, List.of(DEFAULT_BUNDLE));
  }

  /** Name of the bundle used when a pod does not choose one. */
  public String defaultBundle() {
    return bundleNames.getFirst();
  }

  /** The full key {@code <prefix>/<name>}. */
  public String key(String name) {
    return prefix + "/" + name;
  }
}
