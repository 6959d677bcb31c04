// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import io.cainjekt.inject.InjectionContext;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.CaCertificate;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OpenSSL CApath directory ({@code /etc/ssl/certs}): for each CA, a {@code
 * cainjekt-<fingerprint>.pem} file and a {@code <subject-hash>.N} link to it, N being the first
 * index not taken by another certificate with the same subject hash. Only a directory that already
 * holds hash links is treated as one. Never replaces an existing entry.
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

  HashedDirectory(InjectionContext context, String dir) {
    this.context = context;
    this.dir = dir;
  }

  void plan(OsStorePlan plan) throws IOException {
    RootFs root = context.root();
    if (!root.isDirectory(dir) || context.onVolume(dir) || !holdsHashLinks(root)) {
      return;
    }
    Set<String> planned = new HashSet<>();
    for (CaCertificate ca : context.cas().certificates()) {
      String file = "cainjekt-" + ca.fingerprint().hex() + ".pem";
      byte[] pem = OsStorePlan.pem(ca.der());
      Optional<byte[]> existing = OsStoreProcessor.readIfPresent(context, dir + "/" + file);
      if (existing.isEmpty() || !Arrays.equals(existing.get(), pem)) {
        plan.file(dir + "/" + file, pem);
      }
      String hash = SubjectHash.of(ca.certificate());
      for (int n = 0; n < MAX_COLLISIONS; n++) {
        String link = hash + "." + n;
        if (!planned.contains(link) && !root.hasEntry(dir, link)) {
          planned.add(link);
          plan.link(dir + "/" + link, file);
          break;
        }
        if (holds(dir + "/" + link, ca)) {
          break;
        }
      }
    }
  }

  /** True when an entry of the directory is named like a hash link. */
  private boolean holdsHashLinks(RootFs root) throws IOException {
    for (String link : likelyLinks()) {
      if (root.hasEntry(dir, link)) {
        return true;
      }
    }
    return root.list(dir).stream().anyMatch(n -> HASH_LINK.matcher(n).matches());
  }

  /** The {@code .0} links of the CAs and of the first certificate of the image's bundle. */
  private List<String> likelyLinks() {
    List<X509Certificate> certificates = new ArrayList<>();
    context.cas().certificates().forEach(ca -> certificates.add(ca.certificate()));
    context
        .imageBundle()
        .map(b -> PemBundle.parseLenient(b.containerPath(), b.content()).certificates())
        .filter(image -> !image.isEmpty())
        .ifPresent(image -> certificates.add(image.getFirst().certificate()));
    List<String> links = new ArrayList<>();
    for (X509Certificate certificate : certificates) {
      try {
        links.add(SubjectHash.of(certificate) + ".0");
      } catch (IllegalArgumentException e) {
        // a subject OpenSSL would not hash either: no link to look for
      }
    }
    return links;
  }

  /** True when the existing entry is a readable PEM holding this CA. */
  private boolean holds(String path, CaCertificate ca) {
    try {
      Optional<byte[]> content =
          context.root().readIfExists(path, InjectionContext.MAX_BUNDLE_BYTES);
      List<CaCertificate> certs =
          content.map(c -> PemBundle.parseLenient(path, c).certificates()).orElse(List.of());
      return certs.stream().anyMatch(c -> c.fingerprint().equals(ca.fingerprint()));
    } catch (IOException ignored) {
      // A dangling, looping or unreadable entry is someone else's: the index stays taken.
      return false;
    }
  }
}
