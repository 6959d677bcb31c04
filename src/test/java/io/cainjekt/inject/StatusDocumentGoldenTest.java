// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.ContentMemo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the exact bytes of status.json. The golden files under src/test/resources/json were written
 * by the hand-written JSON writer that status.json had before Jackson; they prove the document
 * (member order, indentation, separators, escapes, final newline) did not change with the writer.
 */
class StatusDocumentGoldenTest {

  @TempDir Path tmp;

  static byte[] golden(String name) throws IOException {
    try (InputStream in = StatusDocumentGoldenTest.class.getResourceAsStream("/json/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no golden file " + name);
      }
      return in.readAllBytes();
    }
  }

  @Test
  void debianWithJdkAndPythonMatchesTheGolden() throws IOException {
    InjectionReport report =
        PipelineTest.run(PipelineTest.debianWithJdk(tmp), ProcessorSelection.ALL, Map.of());
    assertThat(report.files().get(InjectionReport.STATUS).toStringUtf8())
        .isEqualTo(new String(golden("status-debian-jdk.json")));
  }

  @Test
  void failedDryRunWithoutDistroAndControlCharactersMatchesTheGolden() throws IOException {
    Path root = Files.createDirectory(tmp.resolve("empty"));
    Processor broken =
        PipelineTest.throwing(
            new InjectionException(
                "/etc/\"quoted\"\\x",
                "frobnicate",
                new IOException("tab\there\nnl\u0001\u2028\b\f/")));
    InjectionReport report =
        new Pipeline(List.of(broken), new ContentMemo())
            .run(
                new InjectionRequest(
                    RootFs.open(root),
                    PipelineTest.cas(),
                    Map.of(),
                    Set.of(),
                    ProcessorSelection.ALL,
                    true));
    assertThat(report.files().get(InjectionReport.STATUS).toStringUtf8())
        .isEqualTo(new String(golden("status-failed-dry-run.json")));
  }
}
