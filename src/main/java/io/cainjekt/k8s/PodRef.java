// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import java.util.Objects;

/**
 * The pod an Event is about.
 *
 * @param namespace the pod's namespace
 * @param name the pod's name
 * @param uid the pod's UID (may be empty when unknown)
 */
public record PodRef(String namespace, String name, String uid) {

  /** Rejects nulls and empty namespace or name. */
  public PodRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    if (namespace.isEmpty() || name.isEmpty()) {
      throw new IllegalArgumentException("pod namespace and name are required");
    }
  }
}
