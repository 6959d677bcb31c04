// SPDX-License-Identifier: Apache-2.0
/**
 * picocli entry points (run, inject, inspect, demo, version), the command-line contract of
 * docs/architecture.md, "Command line". Only cli.Main calls System.exit.
 */
package io.cainjekt.cli;
