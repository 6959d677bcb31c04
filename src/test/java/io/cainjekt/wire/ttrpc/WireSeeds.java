// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.wire.ttrpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fuzz seeds: the 20 whole ttrpc messages captured between containerd 1.7.24 and Go NRI plugins
 * ({@code resources/wire/NN-*.hex}), in file order.
 */
public final class WireSeeds {

  private WireSeeds() {}

  /** File names of the captured vectors. */
  public static List<String> names() {
    try (Stream<Path> files = Files.list(Path.of(WireSeeds.class.getResource("/wire").toURI()))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d\\d-.*\\.hex"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bytes of every captured vector. */
  public static List<byte[]> messages() {
    return names().stream().map(GoldenHex::load).toList();
  }
}
