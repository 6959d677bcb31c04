// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import io.cainjekt.trust.CaCertificate;
import java.util.List;

/**
 * Writes status.json (schema version {@value #SCHEMA_VERSION}). The document is a pure function of
 * the run, with no timestamp, so identical containers stage byte-identical files that the
 * content-addressed staging shares. Members, in order: {@code schemaVersion}, {@code state}, {@code
 * dryRun}, {@code distro} (object or null), {@code cas}, {@code files}, {@code processors}, {@code
 * changed}, {@code runtimes}, {@code volumeSkipped}, {@code errors}, {@code notes}, {@code
 * drifted}. Thread-safe (stateless).
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

  private StatusDocument() {}

  static byte[] json(InjectionContext context, List<ProcessorResult> results, FileSummary files) {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("schemaVersion").value(SCHEMA_VERSION);
    w.name("state").value(state(context, results));
    w.name("dryRun").value(context.dryRun());
    distro(w, context);
    w.name("cas").beginArray();
    for (CaCertificate ca : context.cas().certificates()) {
      w.beginObject()
          .member("sha256", ca.fingerprint().hex())
          .member("subject", ca.subject())
          .member("notAfter", ca.notAfter().toString())
          .name("isCa")
          .value(ca.isCa())
          .endObject();
    }
    w.endArray();
    w.name("files").beginObject();
    w.name(InjectionReport.CA_BUNDLE).beginObject();
    w.name("certificates").value(files.caBundleCertificates()).endObject();
    w.name(InjectionReport.CUSTOM_CA).beginObject();
    w.name("certificates").value(context.cas().size()).endObject();
    w.name(InjectionReport.TRUSTSTORE).beginObject();
    w.name("certificates").value(files.truststoreCertificates());
    w.member("seed", files.truststoreSeed()).endObject();
    w.endObject();
    processors(w, results);
    strings(w, "changed", context.changes());
    w.name("runtimes").beginArray();
    for (InjectionContext.Runtime r : context.runtimes()) {
      w.beginObject()
          .member("name", r.name())
          .member("path", r.containerPath())
          .member("detail", r.detail())
          .endObject();
    }
    w.endArray();
    strings(w, "volumeSkipped", context.volumeSkipped());
    w.name("errors").beginArray();
    for (ProcessorResult r : results) {
      if (r.outcome() instanceof Outcome.Failed f) {
        w.beginObject()
            .member("processor", r.processorId())
            .member("path", f.containerPath())
            .member("message", f.detail())
            .endObject();
      }
    }
    w.endArray();
    strings(w, "notes", context.notes());
    strings(w, "drifted", context.drifted());
    return w.endObject().toBytes();
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

  private static void distro(JsonWriter w, InjectionContext context) {
    w.name("distro");
    if (context.distro().isEmpty()) {
      w.value((String) null);
      return;
    }
    InjectionContext.DistroMatch match = context.distro().get();
    w.beginObject().member("family", match.family());
    OsRelease os = match.osRelease().orElse(new OsRelease("", List.of(), "", ""));
    w.member("id", os.id());
    strings(w, "idLike", os.idLike());
    w.member("versionId", os.versionId()).member("prettyName", os.prettyName());
    w.name("osRelease").value(match.osRelease().isPresent()).endObject();
  }

  private static void processors(JsonWriter w, List<ProcessorResult> results) {
    w.name("processors").beginArray();
    for (ProcessorResult r : results) {
      w.beginObject().member("id", r.processorId());
      switch (r.outcome()) {
        case Outcome.Applied a -> {
          w.member("outcome", "applied").member("detail", a.detail());
          strings(w, "changed", a.changedPaths());
        }
        case Outcome.Skipped s -> w.member("outcome", "skipped").member("detail", s.detail());
        case Outcome.Failed f ->
            w.member("outcome", "failed")
                .member("path", f.containerPath())
                .member("detail", f.detail());
      }
      w.endObject();
    }
    w.endArray();
  }

  private static void strings(JsonWriter w, String name, List<String> values) {
    w.name(name).beginArray();
    values.forEach(w::value);
    w.endArray();
  }
}
