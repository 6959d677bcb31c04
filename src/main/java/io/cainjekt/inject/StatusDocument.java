// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.google.protobuf.ByteString;
import io.cainjekt.trust.CaCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes status.json (schema version {@value #SCHEMA_VERSION}) and reads it back ({@link
 * #read(Path)}), so that the document's format is known here only. The document is a pure function
 * of the run, with no timestamp, so identical containers stage byte-identical files that the
 * content-addressed staging shares. The document is written and read with Jackson's streaming API.
 * Members, in order: {@code schemaVersion}, {@code state}, {@code dryRun}, {@code distro} (object
 * or null), {@code cas}, {@code files}, {@code processors}, {@code changed}, {@code runtimes},
 * {@code volumeSkipped}, {@code errors}, {@code notes}, {@code drifted}. Thread-safe (stateless).
 */
public final class StatusDocument {

  /** Bumped on any incompatible change of the document. */
  static final int SCHEMA_VERSION = 1;

  /**
   * The largest status.json read back: it lists every injected CA in a few hundred bytes each, and
   * the cap bounds what a restart reads into memory per container.
   */
  private static final long MAX_STATUS_BYTES = 16L << 20;

  /**
   * Counts for the staged files.
   *
   * @param caBundleCertificates certificates in ca-bundle.pem
   * @param truststoreCertificates certificates in truststore.p12
   * @param truststoreSeed where truststore.p12's non-injected certificates came from, or "none"
   */
  record FileSummary(int caBundleCertificates, int truststoreCertificates, String truststoreSeed) {}

  private static final JsonFactory JSON =
      new JsonFactoryBuilder().characterEscapes(new Escapes()).build();

  /** Two-space indent, {@code "name": value}, {@code []} and {@code {}} when empty. */
  private static final DefaultPrettyPrinter PRETTY =
      new DefaultPrettyPrinter(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                  .withObjectEmptySeparator("")
                  .withArrayEmptySeparator(""))
          .withObjectIndenter(new DefaultIndenter("  ", "\n"))
          .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private StatusDocument() {}

  static ByteString json(
      InjectionContext context, List<ProcessorResult> results, FileSummary files) {
    ByteString.Output out = ByteString.newOutput(4096);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.setPrettyPrinter(PRETTY.createInstance());
      json.writeStartObject();
      json.writeNumberField("schemaVersion", SCHEMA_VERSION);
      json.writeStringField("state", state(context, results));
      json.writeBooleanField("dryRun", context.dryRun());
      distro(json, context);
      json.writeArrayFieldStart("cas");
      for (CaCertificate ca : context.cas().certificates()) {
        json.writeStartObject();
        json.writeStringField("sha256", ca.fingerprint().hex());
        json.writeStringField("subject", ca.subject());
        json.writeStringField("notAfter", ca.notAfter().toString());
        json.writeBooleanField("isCa", ca.isCa());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeObjectFieldStart("files");
      json.writeObjectFieldStart(InjectionReport.CA_BUNDLE);
      json.writeNumberField("certificates", files.caBundleCertificates());
      json.writeEndObject();
      json.writeObjectFieldStart(InjectionReport.CUSTOM_CA);
      json.writeNumberField("certificates", context.cas().size());
      json.writeEndObject();
      json.writeObjectFieldStart(InjectionReport.TRUSTSTORE);
      json.writeNumberField("certificates", files.truststoreCertificates());
      json.writeStringField("seed", files.truststoreSeed());
      json.writeEndObject();
      json.writeEndObject();
      processors(json, results);
      strings(json, "changed", context.changes());
      json.writeArrayFieldStart("runtimes");
      for (InjectionContext.Runtime r : context.runtimes()) {
        json.writeStartObject();
        json.writeStringField("name", r.name());
        json.writeStringField("path", r.containerPath());
        json.writeStringField("detail", r.detail());
        json.writeEndObject();
      }
      json.writeEndArray();
      strings(json, "volumeSkipped", context.volumeSkipped());
      json.writeArrayFieldStart("errors");
      for (ProcessorResult r : results) {
        if (r.outcome() instanceof Outcome.Failed f) {
          json.writeStartObject();
          json.writeStringField("processor", r.processorId());
          json.writeStringField("path", f.containerPath());
          json.writeStringField("message", f.detail());
          json.writeEndObject();
        }
      }
      json.writeEndArray();
      strings(json, "notes", context.notes());
      strings(json, "drifted", context.drifted());
      json.writeEndObject();
    } catch (IOException e) { // into memory
      throw new UncheckedIOException("write status.json", e);
    }
    out.write('\n');
    return out.toByteString();
  }

  /**
   * The run that status.json {@code file} records: the report the run returned, without its files
   * (empty) and without the refusals of failed processors, which the document does not hold. Empty
   * when the file is missing or records no run (the staged defaults' document has no processors).
   *
   * @throws IOException when the file is over {@value #MAX_STATUS_BYTES} bytes, unreadable, or not
   *     a status.json
   */
  public static Optional<InjectionReport> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    if (Files.size(file) > MAX_STATUS_BYTES) {
      throw new IOException(file + " is larger than " + MAX_STATUS_BYTES + " bytes");
    }
    return read(Files.readAllBytes(file));
  }

  /** {@link #read(Path)} of the document's bytes. */
  static Optional<InjectionReport> read(byte[] document) throws IOException {
    Optional<List<ProcessorResult>> results = Optional.empty();
    String distro = "";
    List<String> drifted = List.of();
    try (JsonParser json = JSON.createParser(document)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("status.json is not a JSON object");
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String name = json.currentName();
        JsonToken value = json.nextToken();
        if (name.equals("processors") && value == JsonToken.START_ARRAY) {
          List<ProcessorResult> read = new ArrayList<>();
          while (json.nextToken() == JsonToken.START_OBJECT) {
            read.add(processor(json));
          }
          results = Optional.of(read);
        } else if (name.equals("distro") && value == JsonToken.START_OBJECT) {
          distro = distroId(json);
        } else if (name.equals("drifted")) {
          drifted = texts(json);
        } else {
          json.skipChildren();
        }
      }
    }
    if (results.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new InjectionReport(
            distro.isEmpty() ? Optional.empty() : Optional.of(distro),
            results.get(),
            drifted,
            Map.of()));
  }

  /** The {@code id} of the distro object at the current token, or "" without one. */
  private static String distroId(JsonParser json) throws IOException {
    String id = "";
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      json.nextToken();
      if (name.equals("id")) {
        id = json.getValueAsString("");
      }
      json.skipChildren();
    }
    return id;
  }

  /** One processor object, from its START_OBJECT to its END_OBJECT. */
  private static ProcessorResult processor(JsonParser json) throws IOException {
    String id = "";
    String outcome = "";
    String detail = "";
    String path = "";
    List<String> changed = List.of();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      json.nextToken();
      switch (name) {
        case "id" -> id = json.getValueAsString("");
        case "outcome" -> outcome = json.getValueAsString("");
        case "detail" -> detail = json.getValueAsString("");
        case "path" -> path = json.getValueAsString("");
        case "changed" -> changed = texts(json);
        default -> json.skipChildren();
      }
    }
    return new ProcessorResult(
        id,
        switch (outcome) {
          case "applied" -> new Outcome.Applied(detail, changed);
          case "skipped" -> new Outcome.Skipped(detail);
          case "failed" -> new Outcome.Failed(path, detail);
          default ->
              throw new IOException("status.json: unknown processor outcome \"" + outcome + "\"");
        });
  }

  /** The strings of the array at the current token; anything else reads as none. */
  private static List<String> texts(JsonParser json) throws IOException {
    if (json.currentToken() != JsonToken.START_ARRAY) {
      json.skipChildren();
      return List.of();
    }
    List<String> out = new ArrayList<>();
    while (json.nextToken() != JsonToken.END_ARRAY) {
      out.add(json.getValueAsString(""));
      json.skipChildren();
    }
    return out;
  }

  /**
   * The container's state as this run leaves it, in the words of the plugin's /containers view:
   * {@code failed} when a processor failed, {@code drifted} when the container had changed entries
   * of ours, else {@code injected}.
   */
  static String state(InjectionContext context, List<ProcessorResult> results) {
    if (results.stream().anyMatch(ProcessorResult::failed)) {
      return "failed";
    }
    return context.drifted().isEmpty() ? "injected" : "drifted";
  }

  private static void distro(JsonGenerator json, InjectionContext context) throws IOException {
    if (context.distro().isEmpty()) {
      json.writeNullField("distro");
      return;
    }
    InjectionContext.DistroMatch match = context.distro().get();
    OsRelease os = match.osRelease().orElse(new OsRelease("", List.of(), "", ""));
    json.writeObjectFieldStart("distro");
    json.writeStringField("family", match.family());
    json.writeStringField("id", os.id());
    strings(json, "idLike", os.idLike());
    json.writeStringField("versionId", os.versionId());
    json.writeStringField("prettyName", os.prettyName());
    json.writeBooleanField("osRelease", match.osRelease().isPresent());
    json.writeEndObject();
  }

  private static void processors(JsonGenerator json, List<ProcessorResult> results)
      throws IOException {
    json.writeArrayFieldStart("processors");
    for (ProcessorResult r : results) {
      json.writeStartObject();
      json.writeStringField("id", r.processorId());
      switch (r.outcome()) {
        case Outcome.Applied a -> {
          json.writeStringField("outcome", "applied");
          json.writeStringField("detail", a.detail());
          strings(json, "changed", a.changedPaths());
        }
        case Outcome.Skipped s -> {
          json.writeStringField("outcome", "skipped");
          json.writeStringField("detail", s.detail());
        }
        case Outcome.Failed f -> {
          json.writeStringField("outcome", "failed");
          json.writeStringField("path", f.containerPath());
          json.writeStringField("detail", f.detail());
        }
      }
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void strings(JsonGenerator json, String name, List<String> values)
      throws IOException {
    json.writeFieldName(name);
    json.writeArray(values.toArray(String[]::new), 0, values.size());
  }

  /**
   * The escapes of the document since schema version 1: the short forms of quote, backslash,
   * newline, carriage return and tab; a six-character escape with lower-case hex for the other
   * control characters and for U+2028 and U+2029, which some JavaScript parsers take as line ends.
   */
  private static final class Escapes extends CharacterEscapes {

    private static final long serialVersionUID = 1L;

    private final int[] ascii = standardAsciiEscapesForJSON();

    Escapes() {
      for (int c = 0; c < 0x20; c++) {
        if (c != '\n' && c != '\r' && c != '\t') {
          ascii[c] = ESCAPE_CUSTOM;
        }
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int c) {
      return c < 0x20 || c == 0x2028 || c == 0x2029
          ? new SerializedString(String.format("\\u%04x", c))
          : null;
    }
  }
}
