// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import com.google.protobuf.ByteString;
import io.cainjekt.inject.InjectionContext;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.CaCertificate;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An OpenSSL CApath directory ({@code /etc/ssl/certs}): for each CA, a {@code <subject-hash>.N}
 * link, N being the first index not taken by another certificate with the same subject hash. The
 * link points at the CA's anchor: in the anchors mounted with the container, or in the family's
 * anchor directory by a relative path between the two directories' real locations. Only without
 * anchors does this directory get its own {@code cainjekt-<fingerprint>.pem} copy to link to. Only
 * a directory that already holds hash links is treated as one. Never replaces an existing entry.
 *
 * <p>Entries are asked about one name at a time ({@link RootFs#hasEntry}, one {@code lstat}), not
 * by listing the directory: on an overlayfs a listing merges every layer's directory, and a Debian
 * image's {@code /etc/ssl/certs} holds about 300 entries. Whether the directory holds hash links is
 * first asked of the links the CAs or the first certificate of the image's bundle would have; only
 * when none exists is the directory listed. Not thread-safe.
 */
final class HashedDirectory {

  /** OpenSSL tries .0, .1, ... for colliding subject hashes; more than this is an attack. */
  static final int MAX_COLLISIONS = 16;

  private static final Pattern HASH_LINK = Pattern.compile("[0-9a-f]{8}\\.[0-9]+");

  private final InjectionContext context;
  private final String dir;
  private final Optional<Function<CaCertificate, String>> anchorOf;

  /**
   * @param anchorOf each CA's anchor, if there are anchors, as its link names it: absolute (the
   *     anchors mounted with the container) or relative to this directory's real location
   */
  HashedDirectory(
      InjectionContext context, String dir, Optional<Function<CaCertificate, String>> anchorOf) {
    this.context = context;
    this.dir = dir;
    this.anchorOf = anchorOf;
  }

  void plan(OsStorePlan plan) throws IOException {
    RootFs root = context.root();
    if (!root.isDirectory(dir) || context.onVolume(dir) || !holdsHashLinks(root)) {
      return;
    }
    planLinkRemovals(plan);
    Set<String> planned = new HashSet<>();
    Set<String> current = new HashSet<>();
    for (CaCertificate ca : context.cas().certificates()) {
      String file = target(ca, plan, current);
      String hash = SubjectHash.of(ca.certificate());
      for (int n = 0; n < MAX_COLLISIONS; n++) {
        String link = hash + "." + n;
        boolean free = !root.hasEntry(dir, link) || plan.deletes(dir + "/" + link);
        if (!planned.contains(link) && free) {
          planned.add(link);
          if (plan.deletes(dir + "/" + link)
              && root.linkTarget(dir, link).filter(file::equals).isPresent()) {
            plan.keep(dir + "/" + link); // ours already, pointing at this CA
          } else {
            plan.link(dir + "/" + link, file);
          }
          context.ownLink(dir + "/" + link, file);
          break;
        }
        if (!planned.contains(link) && holds(dir + "/" + link, ca)) {
          break;
        }
      }
    }
    plan.removeOwnedFiles(context, dir, current);
  }

  /** The target of the CA's hash link: its anchor file, or a copy of its own here. */
  private String target(CaCertificate ca, OsStorePlan plan, Set<String> current)
      throws IOException {
    if (anchorOf.isPresent()) {
      return anchorOf.get().apply(ca);
    }
    String file = OsStorePlan.fileName(ca, ".pem");
    current.add(dir + "/" + file);
    plan.ownFile(context, dir + "/" + file, PemBundle.pem(ca));
    return file;
  }

  /**
   * Plans the removal of every hash link of ours an earlier run made here that still points where
   * it did. The CAs then take the lowest free indexes again: OpenSSL stops at the first missing
   * index, so a removed link must leave no gap below a link of ours.
   */
  private void planLinkRemovals(OsStorePlan plan) throws IOException {
    for (var link : context.previous().links().entrySet()) {
      String path = link.getKey();
      if (!path.startsWith(dir + "/") || path.indexOf('/', dir.length() + 1) >= 0) {
        continue;
      }
      plan.removeOwnedLink(context, dir, path.substring(dir.length() + 1), link.getValue());
    }
  }

  /**
   * True when an entry of the directory is named like a hash link: asked of the CAs' {@code .0}
   * links, then (parsing the image's bundle only then) of its first certificate's, then listed.
   */
  private boolean holdsHashLinks(RootFs root) throws IOException {
    for (CaCertificate ca : context.cas().certificates()) {
      if (hasFirstLink(root, ca.certificate())) {
        return true;
      }
    }
    Optional<X509Certificate> first =
        context
            .imageBundle()
            .map(b -> b.parsed().certificates())
            .filter(image -> !image.isEmpty())
            .map(image -> image.getFirst().certificate());
    if (first.isPresent() && hasFirstLink(root, first.get())) {
      return true;
    }
    return root.list(dir).stream().anyMatch(n -> HASH_LINK.matcher(n).matches());
  }

  /** True when the directory has {@code certificate}'s {@code <hash>.0} entry. */
  private boolean hasFirstLink(RootFs root, X509Certificate certificate) throws IOException {
    String link;
    try {
      link = SubjectHash.of(certificate) + ".0";
    } catch (IllegalArgumentException e) {
      return false; // a subject OpenSSL would not hash either: no link to look for
    }
    return root.hasEntry(dir, link);
  }

  /** True when the existing entry is a readable PEM holding this CA. */
  private boolean holds(String path, CaCertificate ca) {
    try {
      Optional<ByteString> content = context.root().readIfExists(path, context.trustStoreCap());
      List<CaCertificate> certs =
          content.map(c -> context.memo().parseLenient(path, c).certificates()).orElse(List.of());
      return certs.stream().anyMatch(c -> c.fingerprint().equals(ca.fingerprint()));
    } catch (IOException ignored) {
      // A dangling, looping or unreadable entry is someone else's: the index stays taken.
      return false;
    }
  }
}
