// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.Detection;
import io.cainjekt.inject.InjectionContext;
import io.cainjekt.inject.InjectionReport;
import io.cainjekt.inject.InjectionRequest;
import io.cainjekt.inject.Outcome;
import io.cainjekt.inject.Pipeline;
import io.cainjekt.inject.Processor;
import io.cainjekt.inject.os.Distro;
import io.cainjekt.inject.os.DistroRoots;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.ContentMemo;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimeProcessorTest {

  private static final String HOME = "/usr/lib/jvm/java-17-openjdk-amd64";

  @TempDir Path tmp;

  @Test
  void applySeedsFromTheJdksItsDetectionFoundWithoutSearchingTheImageAgain() throws IOException {
    Path root = DistroRoots.build(tmp, Distro.TABLE.getFirst());
    DistroRoots.write(root, HOME + "/bin/java", new byte[] {0x7f, 'E', 'L', 'F'});
    DistroRoots.write(root, HOME + "/lib/security/cacerts", Pki.bytes("cacerts.p12"));
    JavaRuntimeProcessor java = new JavaRuntimeProcessor();
    // after the detection, the JDK no longer looks like one: a second search would find nothing
    Processor searchedOnce =
        new Processor() {
          @Override
          public String id() {
            return java.id();
          }

          @Override
          public int priority() {
            return java.priority();
          }

          @Override
          public Detection detect(InjectionContext context) throws IOException {
            Detection found = java.detect(context);
            Files.delete(root.resolve(HOME.substring(1) + "/bin/java"));
            return found;
          }

          @Override
          public Outcome apply(InjectionContext context) throws IOException {
            return java.apply(context);
          }
        };

    InjectionReport report =
        new Pipeline(List.of(searchedOnce), new ContentMemo())
            .run(
                new InjectionRequest(
                    RootFs.open(root),
                    PemBundle.parseStrict("corp-ca.pem", Pki.bytes("corp-ca.crt")),
                    Map.of(),
                    Set.of(),
                    ProcessorSelection.ALL,
                    false));

    assertThat(report.results().getFirst().outcome())
        .isInstanceOfSatisfying(
            Outcome.Applied.class,
            a -> assertThat(a.detail()).contains(HOME + "/lib/security/cacerts"));
  }
}
