// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.List;

/**
 * JSON form of the /containers document: {@code {"containers": [ContainerReport...]}} with
 * camelCase field names. Pure; thread-safe. Unknown fields are ignored when reading so an older
 * {@code inspect} can read a newer plugin's answer.
 */
public final class ContainerReportCodec {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private ContainerReportCodec() {}

  /** The wire document. */
  record Document(List<ContainerReport> containers) {
    Document {
      containers = containers == null ? List.of() : List.copyOf(containers);
    }
  }

  /** Encodes {@code reports} as the /containers document. */
  public static byte[] encode(List<ContainerReport> reports) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Document(reports));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("encode container reports", e);
    }
  }

  /** Decodes a /containers document; the exception names what did not parse. */
  public static List<ContainerReport> decode(byte[] json) throws IOException {
    Document document = MAPPER.readValue(json, new TypeReference<Document>() {});
    return document.containers();
  }
}
