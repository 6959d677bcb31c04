// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import io.cainjekt.inject.SafeDefaults;
import io.cainjekt.inject.Staging;
import io.cainjekt.inject.os.OsStoreProcessor;
import io.cainjekt.trust.Fingerprint;
import io.cainjekt.trust.LoadedBundle;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files staged at CreateContainer, before the image has been looked at: {@link SafeDefaults}
 * (the node's public roots plus the injected CAs) and a {@code status.json} saying that the image
 * is not inspected yet; and the bundle's anchors, one directory per bundle that every container of
 * it mounts. StartContainer replaces them with the image-precise versions. Remembers the files of
 * each bundle's latest version only, so it holds one set per configured bundle
 * (docs/architecture.md, "What the plugin remembers"). Thread-safe.
 */
final class StagedDefaults {

  private static final Logger log = LoggerFactory.getLogger(StagedDefaults.class);

  private static final JsonFactory JSON = new JsonFactory();

  private final PemBundle nodeRoots;

  private record Version(
      Fingerprint contentHash, Map<String, ByteString> files, Map<String, ByteString> anchors) {}

  private final Map<String, Version> latest = new ConcurrentHashMap<>(); // by bundle name

  /**
   * @param nodeRoots the node's default public roots (the plugin JVM's own cacerts)
   */
  StagedDefaults(PemBundle nodeRoots) {
    this.nodeRoots = nodeRoots;
  }

  /**
   * The bundle's staged files, also kept in {@code staging} while no container links them (the next
   * CreateContainer links instead of writing them) in place of its previous version's.
   */
  Map<String, ByteString> keep(LoadedBundle bundle, Staging staging) {
    Map<String, ByteString> defaults = files(bundle);
    try {
      staging.keep(bundle.name(), defaults);
    } catch (IOException e) { // keeping only spares the next container a write
      log.atWarn()
          .setMessage("staging: cannot keep the staged defaults")
          .addKeyValue("bundle", bundle.name())
          .setCause(e)
          .log();
    }
    return defaults;
  }

  /**
   * Bundles of at least this many CAs get their anchors as a second mount (docs/architecture.md,
   * "Distro table"). The mount costs the runtime about 2 ms per container start whatever the count;
   * writing the anchors into the container costs less than that below about 30 CAs.
   */
  static final int ANCHORS_MOUNT_MIN_CAS = 32;

  /**
   * The bundle's anchors staged for every container of it ({@link Staging#anchors}), brought to
   * this version, when the bundle holds {@link #ANCHORS_MOUNT_MIN_CAS} CAs or more. Empty for a
   * smaller bundle, and (logged) when they cannot be written: the containers staged meanwhile get
   * no anchors mount and one anchor file per CA instead.
   */
  Optional<Path> anchors(LoadedBundle bundle, Staging staging) {
    if (bundle.bundle().size() < ANCHORS_MOUNT_MIN_CAS) {
      return Optional.empty();
    }
    try {
      return Optional.of(staging.anchors(bundle.name(), version(bundle).anchors()));
    } catch (IOException | RuntimeException e) {
      log.atWarn()
          .setMessage("staging: cannot stage the anchors")
          .addKeyValue("bundle", bundle.name())
          .setCause(e)
          .log();
      return Optional.empty();
    }
  }

  /** The staged files for this bundle version. */
  Map<String, ByteString> files(LoadedBundle bundle) {
    return version(bundle).files();
  }

  private Version version(LoadedBundle bundle) {
    Fingerprint hash = bundle.bundle().contentHash();
    return latest.compute(
        bundle.name(),
        (name, known) ->
            known != null && known.contentHash().equals(hash)
                ? known
                : new Version(
                    hash,
                    build(bundle),
                    Map.copyOf(OsStoreProcessor.anchorFiles(bundle.bundle()))));
  }

  private Map<String, ByteString> build(LoadedBundle loaded) {
    SafeDefaults defaults = SafeDefaults.build(nodeRoots, loaded.bundle());
    Map<String, ByteString> files = new LinkedHashMap<>(defaults.files());
    files.put(Staging.STATUS, status(loaded, defaults));
    return Map.copyOf(files);
  }

  private static ByteString status(LoadedBundle loaded, SafeDefaults defaults) {
    ByteString.Output out = ByteString.newOutput(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("state", "staged");
      json.writeStringField("bundle", loaded.name());
      json.writeStringField("caSha256", loaded.bundle().contentHash().hex());
      json.writeNumberField("nodeRoots", defaults.rootCount());
      json.writeNumberField("injected", defaults.injectedCount());
      json.writeStringField(
          "note", "node default roots plus injected CAs; the image is not inspected yet");
      json.writeEndObject();
    } catch (IOException e) { // into memory
      throw new UncheckedIOException("write the staged status.json", e);
    }
    out.write('\n');
    return out.toByteString();
  }
}
