// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.cainjekt.trust.CaCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes status.json (schema version {@value #SCHEMA_VERSION}) and reads it back ({@link
 * #read(Path)}), so that the document's format is known here only. The document is a pure function
 * of the run, with no timestamp, so identical containers stage byte-identical files that the
 * content-addressed staging shares. The document is written by Jackson. Members, in order: {@code
 * schemaVersion}, {@code state}, {@code dryRun}, {@code distro} (object or null), {@code cas},
 * {@code files}, {@code processors}, {@code changed}, {@code runtimes}, {@code volumeSkipped},
 * {@code errors}, {@code notes}, {@code drifted}. Thread-safe (stateless).
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

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Two-space indent, {@code "name": value}, {@code []} and {@code {}} when empty. */
  private static final ObjectWriter WRITER =
      JSON.writer(
              new DefaultPrettyPrinter(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                          .withObjectEmptySeparator("")
                          .withArrayEmptySeparator(""))
                  .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                  .withArrayIndenter(new DefaultIndenter("  ", "\n")))
          .with(new Escapes());

  private StatusDocument() {}

  static ByteString json(
      InjectionContext context, List<ProcessorResult> results, FileSummary files) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("schemaVersion", SCHEMA_VERSION);
    doc.put("state", state(context, results));
    doc.put("dryRun", context.dryRun());
    distro(doc, context);
    ArrayNode cas = doc.putArray("cas");
    for (CaCertificate ca : context.cas().certificates()) {
      cas.addObject()
          .put("sha256", ca.fingerprint().hex())
          .put("subject", ca.subject())
          .put("notAfter", ca.notAfter().toString())
          .put("isCa", ca.isCa());
    }
    ObjectNode staged = doc.putObject("files");
    staged.putObject(InjectionReport.CA_BUNDLE).put("certificates", files.caBundleCertificates());
    staged.putObject(InjectionReport.CUSTOM_CA).put("certificates", context.cas().size());
    staged
        .putObject(InjectionReport.TRUSTSTORE)
        .put("certificates", files.truststoreCertificates())
        .put("seed", files.truststoreSeed());
    processors(doc, results);
    strings(doc, "changed", context.changes());
    ArrayNode runtimes = doc.putArray("runtimes");
    for (InjectionContext.Runtime r : context.runtimes()) {
      runtimes
          .addObject()
          .put("name", r.name())
          .put("path", r.containerPath())
          .put("detail", r.detail());
    }
    strings(doc, "volumeSkipped", context.volumeSkipped());
    ArrayNode errors = doc.putArray("errors");
    for (ProcessorResult r : results) {
      if (r.outcome() instanceof Outcome.Failed f) {
        errors
            .addObject()
            .put("processor", r.processorId())
            .put("path", f.containerPath())
            .put("message", f.detail());
      }
    }
    strings(doc, "notes", context.notes());
    strings(doc, "drifted", context.drifted());
    try {
      byte[] json = WRITER.writeValueAsBytes(doc);
      byte[] document = Arrays.copyOf(json, json.length + 1);
      document[json.length] = '\n';
      // a fresh array nobody else holds: wrapped, not copied
      return UnsafeByteOperations.unsafeWrap(document);
    } catch (JsonProcessingException e) { // a tree of strings, numbers and booleans always writes
      throw new IllegalStateException("write status.json", e);
    }
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
    JsonNode doc = JSON.readTree(document);
    if (!doc.path("processors").isArray()) {
      return Optional.empty();
    }
    List<ProcessorResult> results = new ArrayList<>();
    for (JsonNode p : doc.path("processors")) {
      results.add(new ProcessorResult(p.path("id").asText(), outcome(p)));
    }
    String distro = doc.path("distro").path("id").asText("");
    return Optional.of(
        new InjectionReport(
            distro.isEmpty() ? Optional.empty() : Optional.of(distro),
            results,
            texts(doc.path("drifted")),
            Map.of()));
  }

  private static Outcome outcome(JsonNode processor) throws IOException {
    String detail = processor.path("detail").asText();
    String outcome = processor.path("outcome").asText();
    return switch (outcome) {
      case "applied" -> new Outcome.Applied(detail, texts(processor.path("changed")));
      case "skipped" -> new Outcome.Skipped(detail);
      case "failed" -> new Outcome.Failed(processor.path("path").asText(), detail);
      default ->
          throw new IOException("status.json: unknown processor outcome \"" + outcome + "\"");
    };
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(value -> out.add(value.asText()));
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

  private static void distro(ObjectNode doc, InjectionContext context) {
    if (context.distro().isEmpty()) {
      doc.putNull("distro");
      return;
    }
    InjectionContext.DistroMatch match = context.distro().get();
    ObjectNode distro = doc.putObject("distro").put("family", match.family());
    OsRelease os = match.osRelease().orElse(new OsRelease("", List.of(), "", ""));
    distro.put("id", os.id());
    strings(distro, "idLike", os.idLike());
    distro.put("versionId", os.versionId()).put("prettyName", os.prettyName());
    distro.put("osRelease", match.osRelease().isPresent());
  }

  private static void processors(ObjectNode doc, List<ProcessorResult> results) {
    ArrayNode processors = doc.putArray("processors");
    for (ProcessorResult r : results) {
      ObjectNode p = processors.addObject().put("id", r.processorId());
      switch (r.outcome()) {
        case Outcome.Applied a -> {
          p.put("outcome", "applied").put("detail", a.detail());
          strings(p, "changed", a.changedPaths());
        }
        case Outcome.Skipped s -> p.put("outcome", "skipped").put("detail", s.detail());
        case Outcome.Failed f ->
            p.put("outcome", "failed").put("path", f.containerPath()).put("detail", f.detail());
      }
    }
  }

  private static void strings(ObjectNode node, String name, List<String> values) {
    ArrayNode array = node.putArray(name);
    values.forEach(array::add);
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
