// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.inject;

import io.cainjekt.e2e.CriClient;
import io.cainjekt.e2e.ExecResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a running debian-family container's trust stores hold of two CA versions, read with one
 * exec: the certificates of its OS bundle, how many of the current and of the removed CAs are in
 * that bundle and in {@code /etc/cainjekt/custom-ca.pem} (by {@link RotationCas#needles()}), and
 * the plugin's anchor and hash files. Immutable.
 *
 * @param bundleBlocks certificates in {@value #OS_BUNDLE}
 * @param currentInBundle current CAs found in it
 * @param removedInBundle removed CAs found in it
 * @param currentInCustom current CAs found in {@value #CUSTOM_CA}
 * @param removedInCustom removed CAs found in it
 * @param anchors names of the plugin's files ({@code cainjekt-<sha256>.crt}) in {@value
 *     #ANCHOR_DIR}, or in the anchors mounted at {@value #ANCHOR_LINK} and linked from there
 * @param hashFiles names of plugin files ({@code cainjekt-<sha256>.pem}) in {@value #HASH_DIR},
 *     where the plugin keeps none since its hash links point at the anchors
 */
record TrustStoreProbe(
    int bundleBlocks,
    int currentInBundle,
    int removedInBundle,
    int currentInCustom,
    int removedInCustom,
    Set<String> anchors,
    Set<String> hashFiles) {

  static final String OS_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
  static final String CUSTOM_CA = "/etc/cainjekt/custom-ca.pem";
  static final String ANCHOR_DIR = "/usr/local/share/ca-certificates";
  static final String ANCHOR_LINK = ANCHOR_DIR + "/cainjekt";
  static final String HASH_DIR = "/etc/ssl/certs";
  private static final Duration EXEC = Duration.ofSeconds(30);
  // the plugin's names; an image may ship its own cainjekt-* files (debian-tls has the anchor
  // cainjekt-e2e-fake-public-root.crt and its link in /etc/ssl/certs)
  private static final Pattern PLUGIN_FILE =
      Pattern.compile("cainjekt-([0-9a-f]{20})(?:[0-9a-f]{44})?\\.(crt|pem)");

  // $1: the current CAs' needles, $2: the removed ones' (one per line; grep -F reads each line as
  // a pattern); prints five counts, then the plugin's anchor and hash files one per line
  private static final String SCRIPT =
      """
      b=%s c=%s
      echo $(grep -c -- '-----BEGIN CERTIFICATE-----' $b) $(grep -cxF -- "$1" $b) \
        $(grep -cxF -- "$2" $b) $(grep -cxF -- "$1" $c) $(grep -cxF -- "$2" $c)
      for f in %s/cainjekt-* %s/cainjekt-* %s/cainjekt-*; do
        if [ -e "$f" ]; then echo "$f"; fi
      done
      """
          .formatted(OS_BUNDLE, CUSTOM_CA, ANCHOR_DIR, ANCHOR_LINK, HASH_DIR);

  TrustStoreProbe {
    anchors = Set.copyOf(anchors);
    hashFiles = Set.copyOf(hashFiles);
  }

  /** Probes container {@code id}; {@code removed} must not be empty. */
  static TrustStoreProbe of(CriClient cri, String id, RotationCas current, RotationCas removed) {
    ExecResult r =
        cri.execSync(
            id,
            EXEC,
            "sh",
            "-c",
            SCRIPT,
            "probe",
            String.join("\n", current.needles()),
            String.join("\n", removed.needles()));
    if (r.exitCode() != 0) {
      throw new AssertionError("probe of the trust stores in " + id + ": " + r);
    }
    List<String> lines = r.stdout().lines().toList();
    int[] n =
        Arrays.stream(lines.getFirst().trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
    if (n.length != 5) {
      throw new AssertionError("probe of the trust stores in " + id + ": " + r);
    }
    List<String> files = lines.subList(1, lines.size());
    Set<String> anchors = new HashSet<>(names(files, ANCHOR_DIR));
    anchors.addAll(names(files, ANCHOR_LINK));
    return new TrustStoreProbe(n[0], n[1], n[2], n[3], n[4], anchors, names(files, HASH_DIR));
  }

  /**
   * What differs from a container that holds exactly {@code current} besides the image's own {@code
   * imageBlocks} certificates and nothing of the removed CAs; empty when nothing does.
   */
  List<String> problems(RotationCas current, int imageBlocks) {
    List<String> p = new ArrayList<>();
    expect(p, "certificates in " + OS_BUNDLE, bundleBlocks, imageBlocks + current.size());
    expect(p, "current CAs in " + OS_BUNDLE, currentInBundle, current.size());
    expect(p, "removed CAs in " + OS_BUNDLE, removedInBundle, 0);
    expect(p, "current CAs in " + CUSTOM_CA, currentInCustom, current.size());
    expect(p, "removed CAs in " + CUSTOM_CA, removedInCustom, 0);
    if (!anchors.equals(shortNames(current.fileNames(".crt")))) {
      p.add(ANCHOR_DIR + " holds " + anchors.size() + " cainjekt files, not the current CAs'");
    }
    if (!hashFiles.isEmpty()) { // the hash links point at the anchors: no copies here
      p.add(HASH_DIR + " holds " + hashFiles.size() + " cainjekt files, expected none");
    }
    return p;
  }

  private static void expect(List<String> problems, String what, int seen, int expected) {
    if (seen != expected) {
      problems.add(what + ": " + seen + ", expected " + expected);
    }
  }

  /**
   * The plugin's file names in {@code dir}, each shortened to the first 20 hex of its SHA-256: the
   * mounted anchors carry only those (and so do the links a rebuild makes from them).
   */
  private static Set<String> names(List<String> files, String dir) {
    return shortNames(
        files.stream()
            .map(Path::of)
            .filter(f -> f.getParent().toString().equals(dir))
            .map(f -> f.getFileName().toString())
            .collect(Collectors.toSet()));
  }

  private static Set<String> shortNames(Set<String> names) {
    Set<String> out = new HashSet<>();
    for (String name : names) {
      Matcher m = PLUGIN_FILE.matcher(name);
      if (m.matches()) {
        out.add("cainjekt-" + m.group(1) + "." + m.group(2));
      }
    }
    return out;
  }
}
