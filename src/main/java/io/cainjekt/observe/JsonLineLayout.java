// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * Logback layout writing one flat JSON object per line, as log pipelines expect: {@code time} (RFC
 * 3339, UTC), {@code level}, {@code logger}, {@code msg}, then every SLF4J key-value of the event
 * (snake_case keys), then {@code error} and {@code stack} when there is a cause. A key that repeats
 * a standard field is prefixed with {@code kv_}. Thread-safe.
 */
final class JsonLineLayout extends LayoutBase<ILoggingEvent> {

  private static final Set<String> RESERVED = Set.of("time", "level", "logger", "msg", "error");
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString().toLowerCase(Locale.ROOT));
      json.writeStringField("logger", shortName(event.getLoggerName()));
      json.writeStringField("msg", event.getFormattedMessage());
      writeKeyValues(json, event);
      IThrowableProxy error = event.getThrowableProxy();
      if (error != null) {
        json.writeStringField("error", error.getClassName() + ": " + error.getMessage());
        json.writeStringField("stack", ThrowableProxyUtil.asString(error));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("format log event as JSON", e);
    }
    return out.append('\n').toString();
  }

  private static void writeKeyValues(JsonGenerator json, ILoggingEvent event) throws IOException {
    if (event.getKeyValuePairs() == null) {
      return;
    }
    Set<String> written = new HashSet<>();
    for (KeyValuePair pair : event.getKeyValuePairs()) {
      String key =
          RESERVED.contains(pair.key) || !written.add(pair.key) ? "kv_" + pair.key : pair.key;
      Object value = pair.value;
      if (value == null) {
        json.writeNullField(key);
      } else if (value instanceof Boolean b) {
        json.writeBooleanField(key, b);
      } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
        json.writeNumberField(key, ((Number) value).longValue());
      } else {
        json.writeStringField(key, value.toString());
      }
    }
  }

  private static String shortName(String logger) {
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }
}
