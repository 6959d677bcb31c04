// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingConcurrencyTest {

  private static final ByteString SHARED_V1 = ByteString.copyFromUtf8("shared bundle v1\n");
  private static final ByteString SHARED_V2 =
      ByteString.copyFromUtf8("shared bundle v2 with more bytes\n".repeat(50));

  @TempDir Path root;

  @Test
  void manyVirtualThreadsPrepareReplaceAndReleaseWithoutLosingOrLeakingFiles() throws Exception {
    int containers = 200;
    try (Staging staging = Staging.open(root);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < containers; i++) {
        String id = "ctr-" + i;
        boolean released = i % 3 == 0;
        work.add(
            pool.submit(
                () -> {
                  ByteString status = ByteString.copyFromUtf8("status " + id);
                  staging.prepare(id, Map.of(Staging.CA_BUNDLE, SHARED_V1, Staging.STATUS, status));
                  staging.replace(id, Map.of(Staging.CA_BUNDLE, SHARED_V2));
                  if (released) {
                    staging.release(id);
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < containers; i++) {
        if (i % 3 != 0) {
          expected.add("ctr-" + i);
        }
      }
      assertThat(staging.containerIds()).isEqualTo(expected);
      for (String id : expected) {
        assertThat(staging.directory(id).resolve(Staging.CA_BUNDLE))
            .hasBinaryContent(SHARED_V2.toByteArray());
        assertThat(staging.directory(id).resolve(Staging.STATUS))
            .hasBinaryContent(("status " + id).getBytes(UTF_8));
      }
      try (Stream<Path> s = Files.list(root.resolve("blobs"))) {
        assertThat(s.count())
            .as("one shared bundle + one status per live container")
            .isEqualTo(1 + expected.size());
      }
      long statusBytes = expected.stream().mapToLong(id -> ("status " + id).length()).sum();
      assertThat(staging.stagedBytes()).isEqualTo(SHARED_V2.size() + statusBytes);
    }
  }

  @Test
  void aReaderNeverSeesAPartialFileWhileItIsReplaced() throws Exception {
    try (Staging staging = Staging.open(root);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Path file =
          staging
              .prepare("reader", Map.of(Staging.CA_BUNDLE, SHARED_V1))
              .resolve(Staging.CA_BUNDLE);
      AtomicBoolean done = new AtomicBoolean();
      Future<Integer> reader =
          pool.submit(
              () -> {
                int reads = 0;
                while (!done.get() || reads == 0) {
                  byte[] seen = Files.readAllBytes(file);
                  assertThat(seen)
                      .satisfiesAnyOf(
                          b -> assertThat(b).isEqualTo(SHARED_V1.toByteArray()),
                          b -> assertThat(b).isEqualTo(SHARED_V2.toByteArray()));
                  reads++;
                }
                return reads;
              });
      for (int i = 0; i < 200; i++) {
        staging.replace("reader", Map.of(Staging.CA_BUNDLE, i % 2 == 0 ? SHARED_V2 : SHARED_V1));
      }
      done.set(true);
      assertThat(reader.get()).isPositive();
    }
  }

  @Test
  void theSameContainerPreparedConcurrentlyEndsWithOneLinkToOneBlob() throws Exception {
    try (Staging staging = Staging.open(root);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Path>> work = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        work.add(pool.submit(() -> staging.prepare("same", Map.of(Staging.CA_BUNDLE, SHARED_V1))));
      }
      for (Future<Path> f : work) {
        assertThat(f.get()).isEqualTo(staging.directory("same"));
      }
      assertThat(BlobStore.linkCount(staging.directory("same").resolve(Staging.CA_BUNDLE)))
          .isEqualTo(2);
      try (Stream<Path> s = Files.list(root.resolve("blobs"))) {
        assertThat(s.count()).isEqualTo(1);
      }
    }
  }
}
