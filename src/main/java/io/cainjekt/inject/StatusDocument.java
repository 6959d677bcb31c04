// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cainjekt.trust.CaCertificate;
import java.util.Arrays;
import java.util.List;

/**
 * Writes status.json (schema version {@value #SCHEMA_VERSION}). The document is a pure function of
 * the run, with no timestamp, so identical containers stage byte-identical files that the
 * content-addressed staging shares. The document is written by Jackson. Members, in order: {@code
 * schemaVersion}, {@code state}, {@code dryRun}, {@code distro} (object or null), {@code cas},
 * {@code files}, {@code processors}, {@code changed}, {@code runtimes}, {@code volumeSkipped},
 * {@code errors}, {@code notes}, {@code drifted}. Thread-safe (stateless).
 */
final class StatusDocument {

  /** Bumped on any incompatible change of the document. */
  static final int SCHEMA_VERSION = 1;

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

  static byte[] json(InjectionContext context, List<ProcessorResult> results, FileSummary files) {
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
      return document;
    } catch (JsonProcessingException e) { // a tree of strings, numbers and booleans always writes
      throw new IllegalStateException("write status.json", e);
    }
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
