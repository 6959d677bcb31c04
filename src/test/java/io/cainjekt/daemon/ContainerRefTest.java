// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.spi.DefaultLoggingEventBuilder;

class ContainerRefTest {

  /** A log line that is never written; it keeps the key-values it was given. */
  private static final class Line extends DefaultLoggingEventBuilder {
    Line() {
      super(LoggerFactory.getLogger(ContainerRefTest.class), Level.INFO);
    }

    List<String> keyValues() {
      return loggingEvent.getKeyValuePairs().stream()
          .map((KeyValuePair kv) -> kv.key + "=" + kv.value)
          .toList();
    }
  }

  @Test
  void everyLineAboutAContainerCarriesTheFourStandardKeysWithTheShortId() {
    Line line = new Line();
    ContainerRef ref = new ContainerRef("4f1c2a9b8e7d0123456789", "team-a", "web-1", "app");

    assertThat(ref.keys(line)).isSameAs(line);
    assertThat(line.keyValues())
        .containsExactly(
            "namespace=team-a", "pod=web-1", "container=app", "container_id=4f1c2a9b8e7d");
  }
}
