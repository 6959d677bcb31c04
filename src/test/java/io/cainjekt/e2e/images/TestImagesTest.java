// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestImagesTest {

  @Test
  void parsesBuildScriptLinesWithAndWithoutArchive() {
    String out =
        """
        name=debian-tls key=109038e95ccd4fda rootfs=/c/rootfs/debian-tls-109038e95ccd4fda \
        archive=/c/oci/debian-tls-109038e95ccd4fda-1.tar image=localhost/cainjekt-e2e/debian-tls:109038e95ccd4fda
        name=rhel-tls key=474a66c2c802165b rootfs=/c/rootfs/rhel-tls-474a66c2c802165b archive=- \
        image=localhost/cainjekt-e2e/rhel-tls:474a66c2c802165b
        """;

    Map<String, TestImage> images = TestImages.parse(out);

    assertThat(images.keySet()).containsExactly("debian-tls", "rhel-tls");
    assertThat(images.get("debian-tls"))
        .isEqualTo(
            new TestImage(
                "debian-tls",
                "109038e95ccd4fda",
                Path.of("/c/rootfs/debian-tls-109038e95ccd4fda"),
                Optional.of(Path.of("/c/oci/debian-tls-109038e95ccd4fda-1.tar")),
                "localhost/cainjekt-e2e/debian-tls:109038e95ccd4fda"));
    assertThat(images.get("rhel-tls").archive()).isEmpty();
  }

  @Test
  void aLineThatIsNotKeyValuePairsIsAnError() {
    assertThatThrownBy(() -> TestImages.parse("building debian-tls"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("building debian-tls");
  }
}
