// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.cli;

import io.cainjekt.daemon.FailPolicy;
import io.cainjekt.daemon.LogLevel;
import io.cainjekt.observe.LogFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** Case-insensitive enum flags whose error lists the accepted values in lower case. */
abstract class EnumConverter<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {

  private final Class<E> type;

  EnumConverter(Class<E> type) {
    this.type = type;
  }

  @Override
  public E convert(String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.trim())) {
        return e;
      }
    }
    String accepted =
        Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "));
    throw new CommandLine.TypeConversionException("'" + value + "' is not one of: " + accepted);
  }

  static final class FailPolicyConverter extends EnumConverter<FailPolicy> {
    FailPolicyConverter() {
      super(FailPolicy.class);
    }
  }

  static final class LogFormatConverter extends EnumConverter<LogFormat> {
    LogFormatConverter() {
      super(LogFormat.class);
    }
  }

  static final class LogLevelConverter extends EnumConverter<LogLevel> {
    LogLevelConverter() {
      super(LogLevel.class);
    }
  }
}
