// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few API documents the plugin reads and writes, with Jackson's streaming API: a page of
 * namespaces, a watch event on a namespace, and a core/v1 Event. Reading keeps only the fields the
 * plugin uses; a document of the wrong shape is an {@link IOException} naming what is missing.
 */
final class ApiJson {

  /** A namespace as the plugin sees it: its name and labels. */
  record Namespace(String name, Map<String, String> labels, String resourceVersion) {}

  /**
   * One page of a namespace list.
   *
   * @param next the continue token; empty on the last page
   */
  record Page(List<Namespace> items, String resourceVersion, String next) {}

  /**
   * One watch event.
   *
   * @param type ADDED, MODIFIED, DELETED, BOOKMARK or ERROR
   * @param namespace the object, for the first three
   * @param resourceVersion the object's version (empty for ERROR)
   * @param code the Status code of an ERROR (410: the version is too old), else 0
   * @param message the Status message of an ERROR, else empty
   */
  record WatchEvent(
      String type,
      Optional<Namespace> namespace,
      String resourceVersion,
      int code,
      String message) {}

  private static final JsonFactory JSON = new JsonFactory();

  private ApiJson() {}

  static Page page(byte[] json) throws IOException {
    Map<String, Object> list = object(tree(json), "namespace list");
    Map<String, Object> meta = object(list.getOrDefault("metadata", Map.of()), "list metadata");
    List<Namespace> items = new ArrayList<>();
    if (list.get("items") instanceof List<?> raw) {
      for (Object item : raw) {
        items.add(namespace(object(item, "namespace")));
      }
    } else if (list.get("items") != null) {
      throw new IOException("namespace list: items is not an array");
    }
    return new Page(items, string(meta, "resourceVersion"), string(meta, "continue"));
  }

  static WatchEvent event(String json) throws IOException {
    Map<String, Object> event;
    try (JsonParser p = JSON.createParser(json)) {
      event = object(read(p), "watch event");
    }
    String type = string(event, "type");
    Map<String, Object> object = object(event.get("object"), "watch event object");
    if (type.equals("ERROR")) {
      Object code = object.get("code");
      return new WatchEvent(
          type,
          Optional.empty(),
          "",
          code instanceof Number n ? n.intValue() : 0,
          string(object, "message"));
    }
    if (type.equals("BOOKMARK")) { // an object with only metadata.resourceVersion, no name
      Map<String, Object> meta = object(object.get("metadata"), "bookmark metadata");
      return new WatchEvent(type, Optional.empty(), string(meta, "resourceVersion"), 0, "");
    }
    Namespace ns = namespace(object);
    return new WatchEvent(type, Optional.of(ns), ns.resourceVersion(), 0, "");
  }

  /** A Warning Event on a pod, for {@code POST /api/v1/namespaces/{namespace}/events}. */
  static byte[] warningEvent(
      PodRef pod, String reason, String message, String time, String component, String host) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + message.length());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("apiVersion", "v1");
      g.writeStringField("kind", "Event");
      g.writeObjectFieldStart("metadata");
      g.writeStringField("generateName", pod.name() + ".");
      g.writeStringField("namespace", pod.namespace());
      g.writeEndObject();
      g.writeObjectFieldStart("involvedObject");
      g.writeStringField("apiVersion", "v1");
      g.writeStringField("kind", "Pod");
      g.writeStringField("namespace", pod.namespace());
      g.writeStringField("name", pod.name());
      if (!pod.uid().isEmpty()) {
        g.writeStringField("uid", pod.uid());
      }
      g.writeEndObject();
      g.writeStringField("type", "Warning");
      g.writeStringField("reason", reason);
      g.writeStringField("message", message);
      g.writeNumberField("count", 1);
      g.writeStringField("firstTimestamp", time);
      g.writeStringField("lastTimestamp", time);
      g.writeObjectFieldStart("source");
      g.writeStringField("component", component);
      g.writeStringField("host", host);
      g.writeEndObject();
      g.writeStringField("reportingComponent", component);
      g.writeStringField("reportingInstance", host);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }

  private static Namespace namespace(Map<String, Object> ns) throws IOException {
    Map<String, Object> meta = object(ns.get("metadata"), "namespace metadata");
    String name = string(meta, "name");
    if (name.isEmpty()) {
      throw new IOException("namespace without metadata.name");
    }
    Map<String, String> labels = new HashMap<>();
    Object raw = meta.get("labels");
    if (raw != null) {
      for (Map.Entry<String, Object> e : object(raw, "labels of " + name).entrySet()) {
        if (!(e.getValue() instanceof String value)) {
          throw new IOException("namespace " + name + ": label " + e.getKey() + " is no string");
        }
        labels.put(e.getKey(), value);
      }
    }
    return new Namespace(name, Map.copyOf(labels), string(meta, "resourceVersion"));
  }

  private static Object tree(byte[] json) throws IOException {
    try (JsonParser p = JSON.createParser(json)) {
      return read(p);
    }
  }

  /** The next value as maps, lists, strings, numbers, booleans and nulls. */
  private static Object read(JsonParser p) throws IOException {
    JsonToken token = p.nextToken();
    if (token == null) {
      throw new IOException("empty document");
    }
    return value(p, token);
  }

  private static Object value(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
          map.put(field, value(p, p.nextToken()));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          list.add(value(p, t));
        }
        yield list;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected " + token + " in a JSON document");
    };
  }

  @SuppressWarnings("unchecked") // read() builds only String-keyed maps
  private static Map<String, Object> object(Object value, String what) throws IOException {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IOException(what + ": not a JSON object");
  }

  private static String string(Map<String, Object> object, String field) throws IOException {
    Object value = object.get(field);
    if (value == null) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    throw new IOException(field + " is not a string");
  }
}
