// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.nri.PodInfo;

/** Where failures are reported on the pod: Kubernetes Events, or nowhere without an API. */
@FunctionalInterface
interface PodWarnings {

  /** Reports {@code message} with the short {@code reason} on {@code pod}; never blocks. */
  void warn(PodInfo pod, String reason, String message);

  /** Reports nothing (no Kubernetes API configured). */
  PodWarnings NONE = (pod, reason, message) -> {};
}
