// SPDX-License-Identifier: Apache-2.0
/**
 * The deployment form against the real containerd: the image built from the repository's Dockerfile
 * (deploy/image/build.sh, docs/install.md "Build the image"), imported and run as a CRI container
 * the way the DaemonSet runs it. Tests only; each test owns its pods.
 */
package io.cainjekt.deploy;
