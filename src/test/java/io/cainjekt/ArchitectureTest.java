// SPDX-License-Identifier: Apache-2.0
package io.cainjekt;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Enforces the package table: dependencies only point down (docs/architecture.md, "Components").
 */
class ArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.cainjekt");

  @Test
  void dependenciesOnlyPointDown() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("cli")
        .definedBy("io.cainjekt.cli..")
        .layer("daemon")
        .definedBy("io.cainjekt.daemon..")
        .layer("nri")
        .definedBy("io.cainjekt.nri..")
        .layer("wire")
        .definedBy("io.cainjekt.wire..")
        .layer("k8s")
        .definedBy("io.cainjekt.k8s..")
        .layer("observe")
        .definedBy("io.cainjekt.observe..")
        .layer("inject")
        .definedBy("io.cainjekt.inject..")
        .layer("policy")
        .definedBy("io.cainjekt.policy..")
        .layer("trust")
        .definedBy("io.cainjekt.trust..")
        .layer("rootfs")
        .definedBy("io.cainjekt.rootfs..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("daemon")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("nri")
        .mayOnlyBeAccessedByLayers("daemon")
        .whereLayer("wire")
        .mayOnlyBeAccessedByLayers("nri")
        .whereLayer("k8s")
        .mayOnlyBeAccessedByLayers("daemon")
        .whereLayer("observe")
        .mayOnlyBeAccessedByLayers("daemon", "cli")
        .whereLayer("inject")
        .mayOnlyBeAccessedByLayers("daemon", "cli")
        .whereLayer("policy")
        .mayOnlyBeAccessedByLayers("inject", "daemon")
        .whereLayer("trust")
        .mayOnlyBeAccessedByLayers("inject", "daemon", "cli")
        .whereLayer("rootfs")
        .mayOnlyBeAccessedByLayers("inject", "daemon", "cli")
        .check(CLASSES);
  }
}
