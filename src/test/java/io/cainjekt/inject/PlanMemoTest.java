// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cainjekt.e2e.tls.Pki;
import io.cainjekt.inject.os.Distro;
import io.cainjekt.inject.os.DistroRoots;
import io.cainjekt.policy.ProcessorSelection;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.ContentMemo;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanMemoTest {

  private static final Pipeline PIPELINE = Pipeline.standard(new ContentMemo());

  private static final Optional<String> LAYERS = Optional.of("lowerdir=/snapshots/2/fs:/1/fs");
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

  @TempDir Path tmp;

  private Path debian(String name) throws IOException {
    Path root = DistroRoots.build(Files.createDirectories(tmp.resolve(name)), Distro.TABLE.get(0));
    DistroRoots.write(root, "/usr/bin/python3", new byte[] {1});
    return root;
  }

  /**
   * A Debian root where a directory stands at the bundle's path: the OS store cannot be written.
   */
  private Path debianWithADirectoryForItsBundle(String name) throws IOException {
    Path root = debian(name);
    Files.delete(root.resolve("etc/ssl/certs/ca-certificates.crt"));
    Files.createDirectory(root.resolve("etc/ssl/certs/ca-certificates.crt"));
    return root;
  }

  private static InjectionRequest request(Path root, Map<String, String> env, Set<String> volumes)
      throws IOException {
    return request(root, PipelineTest.cas(), env, volumes, ProcessorSelection.ALL);
  }

  private static InjectionRequest request(
      Path root,
      PemBundle cas,
      Map<String, String> env,
      Set<String> volumes,
      ProcessorSelection filter)
      throws IOException {
    return new InjectionRequest(RootFs.openForInjection(root), cas, env, volumes, filter, false);
  }

  @Test
  void theNextRootOfTheImageGetsTheSameChangesAsAFullRunWouldMake() throws IOException {
    PlanMemo memo = new PlanMemo();
    Path first = debian("first");
    Path replayed = debian("replayed");
    Path fullRun = debian("full");

    PlanMemo.Run run = memo.run(PIPELINE, request(first, ENV, Set.of()), LAYERS);
    PlanMemo.Run again = memo.run(PIPELINE, request(replayed, ENV, Set.of()), LAYERS);
    PIPELINE.run(request(fullRun, ENV, Set.of()));
    InjectionReport report = run.report();

    assertThat(run.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.report()).isSameAs(report);
    assertThat(memo.counts()).containsExactly(1, 1);
    assertThat(report.results()).anyMatch(r -> r.outcome() instanceof Outcome.Applied);
    assertThat(TreeSnapshot.of(replayed)).isEqualTo(TreeSnapshot.of(fullRun));
    assertThat(TreeSnapshot.of(replayed)).isNotEqualTo(TreeSnapshot.of(debian("untouched")));
  }

  @Test
  void aReplayReadsNothingOfTheNewRoot() throws IOException {
    PlanMemo memo = new PlanMemo();
    memo.run(PIPELINE, request(debian("first"), ENV, Set.of()), LAYERS);
    Path second = debian("second");
    // not what the layers promise: a full run would see an Alpine image, the replay does not look
    Files.writeString(second.resolve("etc/os-release"), "ID=alpine\n", StandardCharsets.UTF_8);

    InjectionReport report = memo.run(PIPELINE, request(second, ENV, Set.of()), LAYERS).report();

    assertThat(report.distro()).contains("debian");
    assertThat(memo.counts()).containsExactly(1, 1);
  }

  @Test
  void everyInputOfTheRunIsPartOfTheKey() throws IOException {
    PlanMemo memo = new PlanMemo();
    PemBundle otherCas =
        PemBundle.parseStrict("corp-ca-rekeyed.pem", Pki.bytes("corp-ca-rekeyed.crt"));
    memo.run(PIPELINE, request(debian("a"), ENV, Set.of()), LAYERS);
    memo.run(
        PIPELINE, request(debian("b"), ENV, Set.of()), Optional.of("lowerdir=/snapshots/3/fs"));
    memo.run(PIPELINE, request(debian("c"), Map.of("PATH", "/opt/bin"), Set.of()), LAYERS);
    memo.run(PIPELINE, request(debian("d"), ENV, Set.of("/etc/ssl/certs")), LAYERS);
    memo.run(
        PIPELINE,
        request(debian("e"), otherCas, ENV, Set.of(), new ProcessorSelection(Set.of(), Set.of())),
        LAYERS);
    memo.run(
        PIPELINE,
        request(
            debian("f"),
            PipelineTest.cas(),
            ENV,
            Set.of(),
            new ProcessorSelection(Set.of(), Set.of("runtime-java"))),
        LAYERS);
    assertThat(memo.counts()).containsExactly(0, 6);

    // a variable no processor reads is no input
    memo.run(
        PIPELINE,
        request(debian("g"), Map.of("PATH", "/usr/bin:/bin", "POD_NAME", "x"), Set.of()),
        LAYERS);
    assertThat(memo.counts()).containsExactly(1, 6);
  }

  @Test
  void withoutLayersOrInADryRunNothingIsRemembered() throws IOException {
    PlanMemo memo = new PlanMemo();
    memo.run(PIPELINE, request(debian("a"), ENV, Set.of()), Optional.empty());
    memo.run(PIPELINE, request(debian("b"), ENV, Set.of()), Optional.empty());
    memo.run(
        PIPELINE,
        new InjectionRequest(
            RootFs.openForInjection(debian("c")),
            PipelineTest.cas(),
            ENV,
            Set.of(),
            ProcessorSelection.ALL,
            true),
        LAYERS);
    assertThat(memo.counts()).containsExactly(0, 0);
  }

  @Test
  void aRunWithAFailedProcessorIsNotRemembered() throws IOException {
    PlanMemo memo = new PlanMemo();
    Path broken = debianWithADirectoryForItsBundle("broken");

    assertThat(memo.run(PIPELINE, request(broken, ENV, Set.of()), LAYERS).report().anyFailed())
        .isTrue();
    memo.run(PIPELINE, request(debian("next"), ENV, Set.of()), LAYERS);
    assertThat(memo.counts()).containsExactly(0, 2);
  }

  @Test
  void aReplayThatFailsFallsBackToAFullRunIsForgottenAndPublishesTheFullRunLast()
      throws IOException {
    PlanMemo memo = new PlanMemo();
    InjectionReport planned =
        memo.run(PIPELINE, request(debian("a"), ENV, Set.of()), LAYERS).report();
    Path diverged = debianWithADirectoryForItsBundle("diverged");
    List<InjectionReport> published = new CopyOnWriteArrayList<>();

    PlanMemo.Run run = memo.run(PIPELINE, request(diverged, ENV, Set.of()), LAYERS, published::add);
    InjectionReport report = run.report();

    assertThat(run.replayed()).isFalse();
    assertThat(report).isNotSameAs(planned);
    assertThat(report.anyFailed()).isTrue();
    assertThat(published).containsExactly(planned, report);
    memo.run(PIPELINE, request(debian("c"), ENV, Set.of()), LAYERS);
    assertThat(memo.counts()).containsExactly(1, 2);
  }

  @Test
  void theReturnedReportIsPublishedOnceAndAReplayPublishesOnItsOwnThread() throws IOException {
    PlanMemo memo = new PlanMemo();
    List<InjectionReport> published = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    PlanMemo.Publisher publisher =
        report -> {
          published.add(report);
          threads.add(Thread.currentThread());
        };

    PlanMemo.Run run = memo.run(PIPELINE, request(debian("a"), ENV, Set.of()), LAYERS, publisher);
    assertThat(published).containsExactly(run.report());
    assertThat(threads).containsExactly(Thread.currentThread());

    PlanMemo.Run again = memo.run(PIPELINE, request(debian("b"), ENV, Set.of()), LAYERS, publisher);
    assertThat(again.replayed()).isTrue();
    assertThat(published).containsExactly(run.report(), again.report());
    assertThat(threads.getLast()).isNotSameAs(Thread.currentThread());
    assertThat(threads.getLast().getName()).isEqualTo("inject-publish");
  }

  @Test
  void aFailedPublicationFailsTheRunAfterTheRootIsReplayed() throws IOException {
    PlanMemo memo = new PlanMemo();
    Path fullRun = debian("full");
    memo.run(PIPELINE, request(fullRun, ENV, Set.of()), LAYERS);
    Path replayed = debian("replayed");

    assertThatThrownBy(
            () ->
                memo.run(
                    PIPELINE,
                    request(replayed, ENV, Set.of()),
                    LAYERS,
                    report -> {
                      throw new IOException("staging is full");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("staging is full");
    assertThat(TreeSnapshot.of(replayed)).isEqualTo(TreeSnapshot.of(fullRun));
    assertThat(memo.counts()).containsExactly(1, 1);
  }
}
