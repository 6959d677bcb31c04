// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  @Test
  void writesIndentedDeterministicDocument() {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("a").value(1).member("b", "x\"y\\z\n\u0001");
    w.name("empty").beginArray().endArray();
    w.name("list").beginArray().value(true).value((String) null).beginObject().endObject();
    w.endArray().endObject();
    assertThat(new String(w.toBytes(), StandardCharsets.UTF_8))
        .isEqualTo(
            """
            {
              "a": 1,
              "b": "x\\"y\\\\z\\n\\u0001",
              "empty": [],
              "list": [
                true,
                null,
                {}
              ]
            }
            """);
  }

  @Test
  void valueWithoutNameInObjectIsMisuse() {
    assertThatThrownBy(() -> new JsonWriter().beginObject().value("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a name");
  }

  @Test
  void unclosedDocumentIsMisuse() {
    assertThatThrownBy(() -> new JsonWriter().beginArray().toBytes())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("open");
  }
}
