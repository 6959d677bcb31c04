// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.trust.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * The CA bundle a benchmark hands the plugin, by size: the test PKI's corp CA, then {@code cas - 1}
 * generated self-signed CAs (EC P-256, {@code cainjekt bench ca <i>}), the same bytes in every fork
 * ({@link TestPki#deterministicRootCa}). Generated bundles are kept under {@code
 * target/bench-bundles/} so the trials of one run generate each size once.
 */
public final class BenchBundle {

  private static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant NOT_AFTER = Instant.parse("2045-01-01T00:00:00Z");
  private static final String CORP_CA = "pki/corp-ca.crt";

  private BenchBundle() {}

  /** The bundle of {@code cas} certificates; with 1, the corp CA fixture's bytes unchanged. */
  public static byte[] of(int cas, Path basedir) throws IOException {
    byte[] corp = BenchRoots.resource(CORP_CA);
    if (cas <= 1) {
      return corp;
    }
    Path cached = basedir.resolve("target/bench-bundles/cas-" + cas + ".pem");
    if (Files.isRegularFile(cached)) {
      return Files.readAllBytes(cached);
    }
    ByteArrayOutputStream bundle = new ByteArrayOutputStream();
    bundle.writeBytes(corp);
    for (int i = 1; i < cas; i++) {
      String pem =
          TestPki.deterministicRootCa("cainjekt bench ca " + i, i, NOT_BEFORE, NOT_AFTER).pem();
      bundle.writeBytes(pem.getBytes(StandardCharsets.US_ASCII));
    }
    Files.createDirectories(cached.getParent());
    Path temp = Files.createTempFile(cached.getParent(), "cas-", ".tmp");
    Files.write(temp, bundle.toByteArray());
    Files.move(temp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return bundle.toByteArray();
  }
}
