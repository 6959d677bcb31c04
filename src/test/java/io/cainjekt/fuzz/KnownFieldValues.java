// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.fuzz;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Encodes random messages of a descriptor with hostile values in its <em>declared</em> fields:
 * strings that are huge, astral, bidi-overriding, full of C0/C1 controls and NUL (and, rarely, not
 * UTF-8 at all); maps and repeated fields with thousands of entries and duplicate keys; integers at
 * and beyond their type's range; enum numbers nobody declared; singular fields sent twice; fields
 * in any order; and, rarely, a declared field with the wrong wire type. The randomness is the
 * case's {@link Mutator}. Not thread-safe.
 */
public final class KnownFieldValues {

  private static final int MAX_DEPTH = 3;

  /** Stop adding fields once a message has written this much (nested bytes count twice). */
  private static final int BUDGET_BYTES = 2 << 20;

  private static final String[] HOSTILE = {
    "",
    "cainjekt.io/enabled",
    "true",
    "A=b=c",
    "=",
    "\u0000",
    "\n\r\t\u001b[31m",
    "\u0085\u009b\u202e\u200b\ufeff",
    "\ud83d\udd12\ud800\udc00",
    "\uffff\ufffd",
    "../../../../etc/shadow",
    "/proc/1/root",
  };

  private final Mutator mutator;
  private final Random random;
  private long budget;
  private boolean breakUtf8;

  public KnownFieldValues(Mutator mutator) {
    this.mutator = mutator;
    this.random = mutator.random();
  }

  /** One encoded message of {@code type}. */
  public byte[] message(Descriptor type) {
    budget = BUDGET_BYTES;
    breakUtf8 = random.nextInt(4) == 0;
    return message(type, 0);
  }

  private byte[] message(Descriptor type, int depth) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      CodedOutputStream o = CodedOutputStream.newInstance(out);
      List<FieldDescriptor> fields = new ArrayList<>(type.getFields());
      if (random.nextInt(4) == 0) {
        Collections.shuffle(fields, random);
      }
      for (FieldDescriptor f : fields) {
        if (random.nextInt(3) == 0) {
          continue;
        }
        int count = f.isRepeated() ? entries() : (random.nextInt(8) == 0 ? 2 : 1);
        for (int i = 0; i < count && budget > 0; i++) {
          int before = o.getTotalBytesWritten();
          field(o, f, depth);
          budget -= o.getTotalBytesWritten() - before;
        }
      }
      o.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private int entries() {
    return switch (random.nextInt(10)) {
      case 0 -> 500 + random.nextInt(2000);
      case 1, 2 -> 20 + random.nextInt(100);
      default -> random.nextInt(5);
    };
  }

  private void field(CodedOutputStream o, FieldDescriptor f, int depth) throws IOException {
    int n = f.getNumber();
    if (random.nextInt(40) == 0) {
      wrongWireType(o, f);
      return;
    }
    switch (f.getJavaType()) {
      case STRING -> {
        o.writeTag(n, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeByteArrayNoTag(stringBytes());
      }
      case BYTE_STRING -> {
        o.writeTag(n, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeByteArrayNoTag(mutator.randomBytes(random.nextInt(64)));
      }
      case MESSAGE -> {
        o.writeTag(n, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeByteArrayNoTag(
            depth < MAX_DEPTH ? message(f.getMessageType(), depth + 1) : new byte[0]);
      }
      default -> {
        o.writeTag(n, WireFormat.WIRETYPE_VARINT);
        o.writeUInt64NoTag(number());
      }
    }
  }

  private void wrongWireType(CodedOutputStream o, FieldDescriptor f) throws IOException {
    boolean lengthDelimited =
        f.getJavaType() == FieldDescriptor.JavaType.STRING
            || f.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING
            || f.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
    switch (random.nextInt(3)) {
      case 0 -> {
        o.writeTag(f.getNumber(), WireFormat.WIRETYPE_FIXED32);
        o.writeFixed32NoTag(random.nextInt());
      }
      case 1 -> {
        o.writeTag(f.getNumber(), WireFormat.WIRETYPE_FIXED64);
        o.writeFixed64NoTag(random.nextLong());
      }
      default -> {
        if (lengthDelimited) {
          o.writeTag(f.getNumber(), WireFormat.WIRETYPE_VARINT);
          o.writeUInt64NoTag(number());
        } else {
          o.writeTag(f.getNumber(), WireFormat.WIRETYPE_LENGTH_DELIMITED);
          o.writeByteArrayNoTag(stringBytes());
        }
      }
    }
  }

  private long number() {
    return switch (random.nextInt(8)) {
      case 0 -> 0;
      case 1 -> -1;
      case 2 -> 0xffff_ffffL;
      case 3 -> Integer.MAX_VALUE + 1L;
      case 4 -> Long.MIN_VALUE;
      case 5 -> 1 + random.nextInt(20);
      case 6 -> Integer.toUnsignedLong(random.nextInt());
      default -> random.nextLong();
    };
  }

  private byte[] stringBytes() {
    int pick = random.nextInt(50);
    if (pick == 0 && breakUtf8) {
      return mutator.randomBytes(1 + random.nextInt(32)); // most likely not UTF-8
    }
    if (pick == 1) {
      return "x"
          .repeat(random.nextInt(2) == 0 ? 1 << 20 : 64 << 10)
          .getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder s = new StringBuilder();
    int parts = random.nextInt(4);
    for (int i = 0; i < parts; i++) {
      s.append(HOSTILE[random.nextInt(HOSTILE.length)]);
      s.appendCodePoint(codePoint());
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private int codePoint() {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextInt(0x20);
      case 1 -> 0x80 + random.nextInt(0x20);
      case 2 -> 0x10000 + random.nextInt(0x100000);
      default -> 0x20 + random.nextInt(0xd7e0);
    };
  }
}
