// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer producing deterministic, two-space indented UTF-8 output; enough
 * for status.json and the CLI's {@code --json}. Misuse (a value without a name inside an object)
 * throws {@link IllegalStateException}. Not thread-safe.
 */
public final class JsonWriter {

  private final StringBuilder out = new StringBuilder();
  private final Deque<boolean[]> scopes = new ArrayDeque<>(); // {isObject, hasElements}
  private boolean nameWritten;

  public JsonWriter beginObject() {
    return open('{', true);
  }

  public JsonWriter endObject() {
    return close('}', true);
  }

  public JsonWriter beginArray() {
    return open('[', false);
  }

  public JsonWriter endArray() {
    return close(']', false);
  }

  /** The next member's name; only inside an object. */
  public JsonWriter name(String name) {
    boolean[] scope = scopes.peek();
    if (scope == null || !scope[0] || nameWritten) {
      throw new IllegalStateException("name outside an object: " + name);
    }
    separate(scope);
    quote(name);
    out.append(": ");
    nameWritten = true;
    return this;
  }

  public JsonWriter value(String value) {
    beforeValue();
    if (value == null) {
      out.append("null");
    } else {
      quote(value);
    }
    return this;
  }

  public JsonWriter value(long value) {
    beforeValue();
    out.append(value);
    return this;
  }

  public JsonWriter value(boolean value) {
    beforeValue();
    out.append(value);
    return this;
  }

  /** Writes {@code "name": value} for a string member. */
  public JsonWriter member(String name, String value) {
    return name(name).value(value);
  }

  /** The document so far, with a final newline once every scope is closed. */
  public byte[] toBytes() {
    if (!scopes.isEmpty()) {
      throw new IllegalStateException(scopes.size() + " scopes still open");
    }
    return (out + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private JsonWriter open(char bracket, boolean object) {
    beforeValue();
    out.append(bracket);
    scopes.push(new boolean[] {object, false});
    return this;
  }

  private JsonWriter close(char bracket, boolean object) {
    boolean[] scope = scopes.poll();
    if (scope == null || scope[0] != object || nameWritten) {
      throw new IllegalStateException("unbalanced " + bracket);
    }
    if (scope[1]) {
      newline();
    }
    out.append(bracket);
    return this;
  }

  private void beforeValue() {
    boolean[] scope = scopes.peek();
    if (scope == null) {
      if (!out.isEmpty()) {
        throw new IllegalStateException("a JSON document has one root value");
      }
      return;
    }
    if (scope[0]) {
      if (!nameWritten) {
        throw new IllegalStateException("value without a name inside an object");
      }
      nameWritten = false;
    } else {
      separate(scope);
    }
  }

  private void separate(boolean[] scope) {
    if (scope[1]) {
      out.append(',');
    }
    scope[1] = true;
    newline();
  }

  private void newline() {
    out.append('\n').append("  ".repeat(scopes.size()));
  }

  private void quote(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
