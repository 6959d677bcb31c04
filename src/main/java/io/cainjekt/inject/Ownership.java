// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import io.cainjekt.trust.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Exactly what the plugin added to one container's trust stores (docs/architecture.md, "Exact
 * ownership"): the certificates appended to each bundle and added to each Java store, and the files
 * and links it created. A later run with a new CA bundle takes out what is recorded here and
 * nothing else, so a CA the image ships itself stays. Staged beside the other files as {@link
 * InjectionReport#OWNERSHIP}, where a restarted plugin finds it. Immutable.
 *
 * @param added container path of a bundle or Java store (symlinks resolved) to the fingerprints of
 *     the certificates added there
 * @param files container paths of the files created (anchors, hashed-directory certificates)
 * @param links container path of each symlink created to its target
 */
public record Ownership(
    Map<String, Set<Fingerprint>> added, Set<String> files, Map<String, String> links) {

  /** Nothing owned: a container not injected yet, or injected before ownership was recorded. */
  public static final Ownership NONE = new Ownership(Map.of(), Set.of(), Map.of());

  /** The first line of the staged form, with its version. */
  static final String HEADER = "cainjekt-ownership 1";

  /** The staged form is refused beyond this size: it is read back after a restart. */
  public static final int MAX_BYTES = 4 << 20;

  public Ownership {
    Map<String, Set<Fingerprint>> sorted = new TreeMap<>();
    added.forEach((path, fps) -> sorted.put(path, Set.copyOf(new TreeSet<>(fps))));
    added = java.util.Collections.unmodifiableMap(sorted);
    files = java.util.Collections.unmodifiableSet(new TreeSet<>(files));
    links = java.util.Collections.unmodifiableMap(new TreeMap<>(links));
  }

  /** True when nothing is owned. */
  public boolean isEmpty() {
    return added.isEmpty() && files.isEmpty() && links.isEmpty();
  }

  /** The certificates added to the store at {@code path}; empty when none. */
  public Set<Fingerprint> addedTo(String path) {
    return added.getOrDefault(path, Set.of());
  }

  /**
   * Everything either ledger owns: what a run records before it writes, so a plugin killed in the
   * middle still knows every entry it may have added.
   */
  public Ownership union(Ownership other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    Map<String, Set<Fingerprint>> allAdded = new TreeMap<>();
    for (Ownership o : new Ownership[] {this, other}) {
      o.added.forEach((p, f) -> allAdded.computeIfAbsent(p, k -> new TreeSet<>()).addAll(f));
    }
    Set<String> allFiles = new TreeSet<>(files);
    allFiles.addAll(other.files);
    Map<String, String> allLinks = new TreeMap<>(links);
    allLinks.putAll(other.links);
    return new Ownership(allAdded, allFiles, allLinks);
  }

  /**
   * The staged form: a header line, then one line per entry, the container path last ({@code added
   * <sha256 hex> <path>}, {@code file <path>}, {@code link <target> <path>}). A path's {@code %},
   * CR and LF are percent-encoded, so every entry is one line.
   */
  public ByteString toBytes() {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    for (var e : added.entrySet()) {
      for (Fingerprint f : e.getValue()) {
        out.append("added ").append(f.hex()).append(' ').append(encode(e.getKey())).append('\n');
      }
    }
    for (String f : files) {
      out.append("file ").append(encode(f)).append('\n');
    }
    for (var l : links.entrySet()) {
      out.append("link ")
          .append(encode(l.getValue()))
          .append(' ')
          .append(encode(l.getKey()))
          .append('\n');
    }
    return ByteString.copyFromUtf8(out.toString());
  }

  /**
   * Reads the staged form back.
   *
   * @throws IllegalArgumentException naming the line that is not an entry of {@link #toBytes}
   */
  public static Ownership parse(byte[] staged) {
    if (staged.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "ownership record of " + staged.length + " bytes exceeds " + MAX_BYTES);
    }
    String[] lines = new String(staged, StandardCharsets.UTF_8).split("\n", -1);
    if (!lines[0].equals(HEADER)) {
      throw new IllegalArgumentException("ownership record does not start with '" + HEADER + "'");
    }
    Map<String, Set<Fingerprint>> added = new TreeMap<>();
    Set<String> files = new TreeSet<>();
    Map<String, String> links = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split(" ", 3);
      switch (parts[0]) {
        case "added" -> {
          require(parts.length == 3, i, line);
          added
              .computeIfAbsent(decode(parts[2]), k -> new TreeSet<>())
              .add(new Fingerprint(hex(parts[1], i)));
        }
        case "file" -> files.add(decode(line.substring("file ".length())));
        case "link" -> {
          require(parts.length == 3, i, line);
          links.put(decode(parts[2]), decode(parts[1]));
        }
        default -> require(false, i, line);
      }
    }
    return new Ownership(added, files, links);
  }

  private static byte[] hex(String hex, int line) {
    try {
      byte[] bytes = HexFormat.of().parseHex(hex);
      require(bytes.length == 32, line, hex);
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ownership record line " + (line + 1) + ": bad sha256", e);
    }
  }

  private static void require(boolean ok, int line, String text) {
    if (!ok) {
      throw new IllegalArgumentException(
          "ownership record line "
              + (line + 1)
              + " is not an entry: '"
              + text.substring(0, Math.min(text.length(), 80))
              + "'");
    }
  }

  private static String encode(String path) {
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D").replace(" ", "%20");
  }

  private static String decode(String text) {
    return Objects.requireNonNull(text)
        .replace("%20", " ")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%");
  }
}
