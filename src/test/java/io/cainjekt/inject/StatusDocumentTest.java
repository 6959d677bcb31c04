// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.ContentMemo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status.json read back by {@link StatusDocument#read} against what the writer wrote. */
class StatusDocumentTest {

  @TempDir Path tmp;

  @Test
  void readingTheDocumentBackGivesTheRunItRecords() throws IOException {
    Processor drifting =
        PipelineTest.first(
            "drifting",
            context -> {
              context.drift("/etc/x", "removed, written again");
              return new Outcome.Applied("wrote x", List.of("/etc/x"));
            });
    Processor broken =
        PipelineTest.throwing(
            new InjectionException("/etc/y", "frobnicate", new IOException("boom")));
    InjectionReport run =
        new Pipeline(
                Stream.concat(
                        Stream.of(drifting, broken),
                        Pipeline.standard(new ContentMemo()).processors().stream())
                    .toList(),
                new ContentMemo())
            .run(
                new InjectionRequest(
                    RootFs.open(PipelineTest.debianWithJdk(tmp)),
                    PipelineTest.cas(),
                    Map.of(),
                    Set.of(),
                    ProcessorSelection.ALL,
                    false));
    Path status =
        Files.write(
            tmp.resolve("status.json"), run.files().get(InjectionReport.STATUS).toByteArray());

    assertThat(run.anyFailed()).as("a failed processor recorded").isTrue();
    assertThat(run.drifted()).as("a drifted entry recorded").isNotEmpty();
    assertThat(StatusDocument.read(status))
        .contains(new InjectionReport(run.distro(), run.results(), run.drifted(), Map.of()));
  }

  @Test
  void theStagedDefaultsDocumentRecordsNoRun() throws IOException {
    Path status =
        Files.writeString(tmp.resolve("status.json"), "{\"state\": \"staged\", \"bundle\": \"x\"}");

    assertThat(StatusDocument.read(status)).isEmpty();
    assertThat(StatusDocument.read(tmp.resolve("missing.json"))).isEmpty();
  }

  @Test
  void anUnknownOutcomeIsRefused() {
    byte[] document =
        "{\"processors\": [{\"id\": \"p\", \"outcome\": \"exploded\", \"detail\": \"\"}]}"
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> StatusDocument.read(document))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unknown processor outcome \"exploded\"");
  }

  @Test
  void aDocumentOverTheCapIsRefusedUnread() throws IOException {
    Path status = tmp.resolve("status.json");
    try (FileChannel file = FileChannel.open(status, CREATE_NEW, WRITE)) {
      file.write(ByteBuffer.wrap(new byte[] {'{'}), 16L << 20); // sparse: 16 MiB plus one byte
    }

    assertThatThrownBy(() -> StatusDocument.read(status))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("larger than");
  }
}
