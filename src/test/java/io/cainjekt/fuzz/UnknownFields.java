// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.fuzz;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Inserts protobuf fields that a message type does not declare into an encoded message: at random
 * positions between its fields and inside every sub-message and map entry the descriptor names (the
 * enclosing length prefixes are rewritten). The inserted fields use every wire type (varint,
 * 64-bit, length-delimited, group, 32-bit) and field numbers from 1 to 2^29-1 that the level's
 * descriptor does not declare; length-delimited ones carry random bytes, nested unknown fields or a
 * {@link Mutator}-mutated copy of the message. The randomness is the case's {@link Mutator}, so a
 * failing case replays by its number. Not thread-safe.
 */
public final class UnknownFields {

  /** The largest field number protobuf allows. */
  public static final int MAX_FIELD_NUMBER = (1 << 29) - 1;

  private static final int MAX_NESTING = 4;

  private final Mutator mutator;
  private final Random random;
  private int inserted;

  public UnknownFields(Mutator mutator) {
    this.mutator = mutator;
    this.random = mutator.random();
  }

  /** How many fields were inserted so far (at any depth). */
  public int inserted() {
    return inserted;
  }

  /**
   * A copy of {@code message} (encoded {@code type}) with at least one undeclared field inserted.
   *
   * @throws IllegalArgumentException when {@code message} is not well-formed protobuf
   */
  public byte[] insert(Descriptor type, byte[] message) {
    int before = inserted;
    List<Field> fields = parse(message);
    int forced = random.nextInt(fields.size() + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, type, fields, forced, message);
    if (inserted == before) {
      throw new IllegalStateException("no field inserted");
    }
    return out.toByteArray();
  }

  /** One field as it was on the wire: varint and fixed values in {@code number}, else bytes. */
  private record Field(int number, int wireType, long value, byte[] bytes) {}

  private static List<Field> parse(byte[] message) {
    List<Field> fields = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(message);
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        int number = WireFormat.getTagFieldNumber(tag);
        int wireType = WireFormat.getTagWireType(tag);
        fields.add(
            switch (wireType) {
              case WireFormat.WIRETYPE_VARINT ->
                  new Field(number, wireType, in.readRawVarint64(), null);
              case WireFormat.WIRETYPE_FIXED64 ->
                  new Field(number, wireType, in.readRawLittleEndian64(), null);
              case WireFormat.WIRETYPE_FIXED32 ->
                  new Field(number, wireType, in.readRawLittleEndian32(), null);
              case WireFormat.WIRETYPE_LENGTH_DELIMITED ->
                  new Field(number, wireType, 0, in.readByteArray());
              default -> throw new IllegalArgumentException("wire type " + wireType + " in a seed");
            });
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("seed is not protobuf", e);
    }
    return fields;
  }

  private void write(
      ByteArrayOutputStream out, Descriptor type, List<Field> fields, int forced, byte[] whole) {
    try {
      CodedOutputStream o = CodedOutputStream.newInstance(out);
      for (int i = 0; i <= fields.size(); i++) {
        if (i == forced || random.nextInt(4) == 0) {
          int n = 1 + random.nextInt(2);
          for (int k = 0; k < n; k++) {
            writeUnknown(o, type, 0, whole);
          }
        }
        if (i < fields.size()) {
          writeKnown(o, type, fields.get(i), whole);
        }
      }
      o.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeKnown(CodedOutputStream o, Descriptor type, Field f, byte[] whole)
      throws IOException {
    o.writeTag(f.number(), f.wireType());
    switch (f.wireType()) {
      case WireFormat.WIRETYPE_VARINT -> o.writeUInt64NoTag(f.value());
      case WireFormat.WIRETYPE_FIXED64 -> o.writeFixed64NoTag(f.value());
      case WireFormat.WIRETYPE_FIXED32 -> o.writeFixed32NoTag((int) f.value());
      default -> {
        FieldDescriptor d = type.findFieldByNumber(f.number());
        byte[] bytes = f.bytes();
        if (d != null && d.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          List<Field> inner = parse(bytes);
          ByteArrayOutputStream nested = new ByteArrayOutputStream();
          int forced = random.nextInt(3) == 0 ? random.nextInt(inner.size() + 1) : -1;
          write(nested, d.getMessageType(), inner, forced, whole);
          bytes = nested.toByteArray();
        }
        o.writeByteArrayNoTag(bytes);
      }
    }
  }

  /** Writes one field whose number {@code type} does not declare ({@code null}: any number). */
  private void writeUnknown(CodedOutputStream o, Descriptor type, int depth, byte[] whole)
      throws IOException {
    int number = fieldNumber(type);
    inserted++;
    switch (random.nextInt(depth < MAX_NESTING ? 6 : 4)) {
      case 0 -> {
        o.writeTag(number, WireFormat.WIRETYPE_VARINT);
        o.writeUInt64NoTag(pickLong());
      }
      case 1 -> {
        o.writeTag(number, WireFormat.WIRETYPE_FIXED64);
        o.writeFixed64NoTag(pickLong());
      }
      case 2 -> {
        o.writeTag(number, WireFormat.WIRETYPE_FIXED32);
        o.writeFixed32NoTag((int) pickLong());
      }
      case 3 -> {
        o.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeByteArrayNoTag(blob(whole));
      }
      case 4 -> {
        ByteArrayOutputStream nested = new ByteArrayOutputStream();
        CodedOutputStream n = CodedOutputStream.newInstance(nested);
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
          writeUnknown(n, null, depth + 1, whole);
        }
        n.flush();
        o.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeByteArrayNoTag(nested.toByteArray());
      }
      default -> {
        o.writeTag(number, WireFormat.WIRETYPE_START_GROUP);
        int count = random.nextInt(3);
        for (int i = 0; i < count; i++) {
          writeUnknown(o, null, depth + 1, whole);
        }
        o.writeTag(number, WireFormat.WIRETYPE_END_GROUP);
      }
    }
  }

  private int fieldNumber(Descriptor type) {
    while (true) {
      int number =
          switch (random.nextInt(4)) {
            case 0 -> 1 + random.nextInt(64);
            case 1 -> 1 + random.nextInt(19_999);
            case 2 -> MAX_FIELD_NUMBER - random.nextInt(1000);
            default -> 1 + random.nextInt(MAX_FIELD_NUMBER);
          };
      if (type == null || type.findFieldByNumber(number) == null) {
        return number;
      }
    }
  }

  private long pickLong() {
    return switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> -1;
      case 2 -> Long.MIN_VALUE;
      case 3 -> Integer.toUnsignedLong(random.nextInt());
      default -> random.nextLong();
    };
  }

  private byte[] blob(byte[] whole) {
    return switch (random.nextInt(4)) {
      case 0 -> new byte[0];
      case 1 -> mutator.mutate(whole);
      case 2 -> mutator.randomBytes(random.nextInt(16) == 0 ? 64 << 10 : random.nextInt(64));
      default -> whole.clone();
    };
  }
}
