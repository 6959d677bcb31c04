// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import java.util.Locale;

/**
 * Input refused at a trust boundary: the {@code kind} label of {@code
 * cainjekt_rejected_inputs_total}.
 */
public enum RejectedInput {
  /** A mux or ttrpc frame that broke the protocol (bad header, bad stream id). */
  BAD_FRAME,
  /** A ttrpc message over the 4 MiB limit. */
  OVERSIZED_MESSAGE,
  /** A CA bundle that does not parse or holds anything but certificates (e.g. a private key). */
  BAD_BUNDLE,
  /** A CA bundle over its configured limit of certificates or bytes. */
  OVERSIZED_BUNDLE,
  /** A CA certificate that is expired or not a CA; kept or dropped by configuration. */
  BAD_CERTIFICATE,
  /** An annotation under the prefix with an invalid value or a near-miss key. */
  BAD_ANNOTATION,
  /**
   * An image symlink that would leave the container root: climbing above it with {@code ..},
   * pointing at the root itself or into /proc, /sys, /dev.
   */
  ROOTFS_ESCAPE,
  /** An image path whose symlinks loop (more hops than the kernel follows). */
  SYMLINK_LOOP,
  /** An image's trust-store file that is a symlink leading to nothing inside the root. */
  DANGLING_SYMLINK,
  /** A directory, FIFO, socket or device in an image where a regular file belongs. */
  NOT_REGULAR_FILE,
  /** An image file over the read cap (os-release 64 KiB, bundles 16 MiB). */
  OVERSIZED_FILE;

  /** The label value: the constant in lower snake case, e.g. {@code bad_bundle}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
