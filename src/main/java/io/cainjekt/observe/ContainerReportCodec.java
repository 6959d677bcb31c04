// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON form of the /containers document: {@code {"containers": [ContainerReport...]}} with
 * camelCase field names in the record's order, pretty-printed. Written and read with Jackson's
 * streaming API (jackson-core), not its object mapper, whose classes cost the plugin several MiB of
 * memory (docs/dev/performance-notes.md). Unknown fields are ignored when reading so an older
 * {@code inspect} can read a newer plugin's answer; missing ones read as null, as they did. Pure;
 * thread-safe.
 */
public final class ContainerReportCodec {

  private static final JsonFactory JSON = new JsonFactory();

  private ContainerReportCodec() {}

  /** Encodes {@code reports} as the /containers document. */
  public static byte[] encode(List<ContainerReport> reports) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 512 * reports.size());
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeArrayFieldStart("containers");
      for (ContainerReport c : reports) {
        json.writeStartObject();
        json.writeStringField("id", c.id());
        json.writeStringField("namespace", c.namespace());
        json.writeStringField("pod", c.pod());
        json.writeStringField("container", c.container());
        json.writeStringField("state", c.state().name());
        json.writeStringField("distro", c.distro());
        strings(json, "filesWritten", c.filesWritten());
        strings(json, "runtimes", c.runtimes());
        json.writeStringField("bundle", c.bundle());
        json.writeStringField("caSha256", c.caSha256());
        json.writeBooleanField("outdated", c.outdated());
        strings(json, "errors", c.errors());
        json.writeStringField("detail", c.detail());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) { // into memory
      throw new UncheckedIOException("encode container reports", e);
    }
    return out.toByteArray();
  }

  private static void strings(JsonGenerator json, String name, List<String> values)
      throws IOException {
    json.writeFieldName(name);
    json.writeArray(values.toArray(String[]::new), 0, values.size());
  }

  /** Decodes a /containers document; the exception names what did not parse. */
  public static List<ContainerReport> decode(byte[] document) throws IOException {
    List<ContainerReport> reports = new ArrayList<>();
    try (JsonParser json = JSON.createParser(document)) {
      expect(json, json.nextToken(), JsonToken.START_OBJECT, "the document");
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        JsonToken value = json.nextToken();
        if (json.currentName().equals("containers") && value == JsonToken.START_ARRAY) {
          while (json.nextToken() != JsonToken.END_ARRAY) {
            expect(json, json.currentToken(), JsonToken.START_OBJECT, "a container");
            reports.add(report(json));
          }
        } else {
          json.skipChildren();
        }
      }
    }
    return reports;
  }

  /** One container object, from its START_OBJECT to its END_OBJECT. */
  private static ContainerReport report(JsonParser json) throws IOException {
    String id = null;
    String namespace = null;
    String pod = null;
    String container = null;
    String state = null;
    String distro = null;
    List<String> files = List.of();
    List<String> runtimes = List.of();
    String bundle = null;
    String caSha256 = null;
    boolean outdated = false;
    List<String> errors = List.of();
    String detail = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      json.nextToken();
      switch (name) {
        case "id" -> id = json.getValueAsString();
        case "namespace" -> namespace = json.getValueAsString();
        case "pod" -> pod = json.getValueAsString();
        case "container" -> container = json.getValueAsString();
        case "state" -> state = json.getValueAsString();
        case "distro" -> distro = json.getValueAsString();
        case "filesWritten" -> files = strings(json);
        case "runtimes" -> runtimes = strings(json);
        case "bundle" -> bundle = json.getValueAsString();
        case "caSha256" -> caSha256 = json.getValueAsString();
        case "outdated" -> outdated = json.getValueAsBoolean();
        case "errors" -> errors = strings(json);
        case "detail" -> detail = json.getValueAsString();
        default -> json.skipChildren();
      }
    }
    if (id == null || state == null) {
      throw new IOException("a container without " + (id == null ? "\"id\"" : "\"state\""));
    }
    ContainerReport.State parsed;
    try {
      parsed = ContainerReport.State.valueOf(state);
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown container state \"" + state + "\"", e);
    }
    return new ContainerReport(
        id, namespace, pod, container, parsed, distro, files, runtimes, bundle, caSha256, outdated,
        errors, detail);
  }

  /**
   * The array of strings at the current token: the document is the plugin's own answer, so any
   * other shape is an error that names the field.
   */
  private static List<String> strings(JsonParser json) throws IOException {
    String field = json.currentName();
    if (json.currentToken() != JsonToken.START_ARRAY) {
      throw new IOException("\"" + field + "\" is not an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        throw new IOException("\"" + field + "\" holds a " + t + ", not a string");
      }
      out.add(json.getText());
    }
    return out;
  }

  private static void expect(JsonParser json, JsonToken actual, JsonToken wanted, String what)
      throws IOException {
    if (actual != wanted) {
      throw new IOException(
          what
              + " is not a JSON "
              + (wanted == JsonToken.START_OBJECT ? "object" : "array")
              + " at "
              + json.currentLocation().offsetDescription());
    }
  }
}
