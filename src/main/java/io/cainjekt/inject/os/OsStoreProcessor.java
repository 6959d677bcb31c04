// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import com.google.protobuf.ByteString;
import io.cainjekt.inject.CertificateSet;
import io.cainjekt.inject.Detection;
import io.cainjekt.inject.EnvMerger;
import io.cainjekt.inject.InjectionContext;
import io.cainjekt.inject.InjectionContext.DistroMatch;
import io.cainjekt.inject.InjectionContext.ImageBundle;
import io.cainjekt.inject.InjectionException;
import io.cainjekt.inject.OsRelease;
import io.cainjekt.inject.Outcome;
import io.cainjekt.inject.Processor;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.BundleMerger;
import io.cainjekt.trust.CaCertificate;
import io.cainjekt.trust.Fingerprint;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The OS trust store of every family of the {@link Distro} table (docs/architecture.md, "Distro
 * table"): merges the CAs into the bundle files, adds the anchors (one link to the mounted anchors,
 * or one file per CA), adds OpenSSL hash links, and adds the CAs to the distro's extracted Java
 * keystores. Reads everything first and writes only when every read succeeded. Thread-safe
 * (stateless).
 */
public final class OsStoreProcessor implements Processor {

  /** Public processor id. */
  public static final String ID = "os-store";

  /** The file name suffix of our anchor files. */
  static final String ANCHOR_SUFFIX = ".crt";

  private static final int MOUNTED_NAME_HEX = 20;

  /** The name of our link to the mounted anchors in a family's anchor directory. */
  static final String ANCHOR_LINK = "cainjekt";

  private static final String JDK_CACERTS_SUFFIX = "/lib/security/cacerts";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Detection detect(InjectionContext context) throws IOException {
    Optional<OsRelease> osRelease = readOsRelease(context.root());
    Distro distro = Distro.detect(osRelease);
    context.distro(new DistroMatch(osRelease, distro.family()));
    for (String path :
        Stream.concat(distro.bundleFiles().stream(), Distro.KNOWN_BUNDLES.stream())
            .distinct()
            .toList()) {
      Optional<ByteString> content = readIfPresent(context, path);
      if (content.isPresent()) {
        ByteString image = imageContent(context, path, content.get());
        context.imageBundle(new ImageBundle(path, image, context.memo().parseLenient(path, image)));
        break;
      }
    }
    String id = osRelease.map(OsRelease::id).filter(s -> !s.isEmpty()).orElse("none");
    return Detection.found(distro.family() + " family (os-release ID " + id + ")");
  }

  @Override
  public Outcome apply(InjectionContext context) throws IOException {
    Distro distro = family(context);
    OsStorePlan plan = new OsStorePlan();
    int bundles = planBundles(context, distro, plan);
    Optional<String> anchorDir = distro.anchorDir();
    if (anchorDir.isPresent() && context.onVolume(anchorDir.get())) {
      anchorDir = Optional.empty();
    }
    Optional<Function<CaCertificate, String>> anchorOf = Optional.empty(); // hash link targets
    if (anchorDir.isPresent()) {
      anchorOf = Optional.of(planAnchors(context, distro, anchorDir.get(), plan));
    }
    if (distro.hashedDir().isPresent()) {
      new HashedDirectory(context, distro.hashedDir().get(), anchorOf).plan(plan);
    }
    planJavaStores(context, distro, plan);
    int before = context.changeCount();
    if (!plan.isEmpty()) {
      context.journal();
    }
    plan.apply(context);
    List<String> changed = context.changes().subList(before, context.changeCount());
    if (bundles == 0) {
      context.note("no OS bundle found in the image (" + distro.family() + " family)");
    }
    String detail =
        distro.family()
            + ": "
            + (changed.isEmpty()
                ? "all " + context.cas().size() + " CAs already present"
                : changed.size() + " paths changed for " + context.cas().size() + " CAs");
    return new Outcome.Applied(detail, changed);
  }

  private static Distro family(InjectionContext context) {
    String family = context.distro().map(DistroMatch::family).orElse(Distro.GENERIC.family());
    return Distro.TABLE.stream()
        .filter(d -> d.family().equals(family))
        .findFirst()
        .orElse(Distro.GENERIC);
  }

  /**
   * The files of the anchors staged for a bundle ({@code <staging>/anchors/<bundle>}, mounted at
   * {@link EnvMerger#ANCHORS_PATH}): one {@link #mountedAnchorName} per CA.
   */
  public static Map<String, ByteString> anchorFiles(PemBundle cas) {
    Map<String, ByteString> files = new LinkedHashMap<>();
    for (CaCertificate ca : cas.certificates()) {
      files.put(mountedAnchorName(ca), PemBundle.pem(ca));
    }
    return files;
  }

  /**
   * A CA's file in the mounted anchors: {@code cainjekt-<first 20 hex of its SHA-256>.crt}. Short,
   * so that a hash link to it ({@link EnvMerger#ANCHORS_PATH}{@code /<name>}, 55 characters) is an
   * ext4 fast symlink, kept in the inode: a longer target costs a data block per link, about 40 %
   * more per link. 80 bits keep the names of a bundle's CAs apart.
   */
  static String mountedAnchorName(CaCertificate ca) {
    return "cainjekt-" + ca.fingerprint().hex().substring(0, MOUNTED_NAME_HEX) + ANCHOR_SUFFIX;
  }

  /** Plans the bundle merges; returns how many distinct bundle files exist. */
  private static int planBundles(InjectionContext context, Distro distro, OsStorePlan plan)
      throws IOException {
    Set<Path> seen = new HashSet<>();
    for (String path : distro.bundleFiles()) {
      Optional<ByteString> content = readBundle(context, path);
      if (content.isEmpty()
          || !seen.add(context.root().resolve(path).hostPath())
          || context.onVolume(path)) {
        continue;
      }
      String real = context.realPath(path);
      Set<Fingerprint> ours = context.previous().addedTo(real);
      ByteString base = BundleMerger.remove(content.get(), ours);
      if (!ours.isEmpty()) {
        Set<Fingerprint> present = new HashSet<>();
        context
            .memo()
            .parseLenient(path, content.get())
            .certificates()
            .forEach(c -> present.add(c.fingerprint()));
        long missing = ours.stream().filter(f -> !present.contains(f)).count();
        if (missing > 0) {
          context.drift(real, missing + " certificates of ours removed by the container");
        }
      }
      BundleMerger.Merge merge = context.memo().merge(path, base, context.cas());
      context.ownAdded(real, merge.appended());
      if (!merge.content().equals(content.get())) {
        plan.file(real, merge.content());
      }
    }
    return seen.size();
  }

  /**
   * Plans the anchors in the family's anchor directory and returns where a hash link finds each
   * CA's anchor: absolute in the mount, or relative to the hashed directory. With the bundle's
   * anchors mounted and a family whose rebuild reads subdirectories, one link {@value #ANCHOR_LINK}
   * to the mount stands for every CA (docs/architecture.md, "What a container sees"); otherwise
   * each CA gets its own file. Either way, what an earlier run made in the other form goes.
   */
  private static Function<CaCertificate, String> planAnchors(
      InjectionContext context, Distro distro, String dir, OsStorePlan plan) throws IOException {
    plan.directory(dir);
    String link = dir + "/" + ANCHOR_LINK;
    if (distro.anchorSubdirectories()
        && context.anchorsMounted()
        && planAnchorLink(context, dir, link, plan)) {
      plan.removeOwnedFiles(context, dir, Set.of());
      return ca -> EnvMerger.ANCHORS_PATH + "/" + mountedAnchorName(ca);
    }
    String previous = context.previous().links().get(link);
    if (previous != null) {
      plan.removeOwnedLink(context, dir, ANCHOR_LINK, previous);
    }
    Set<String> current = new HashSet<>();
    for (CaCertificate ca : context.cas().certificates()) {
      String path = dir + "/" + OsStorePlan.fileName(ca, ANCHOR_SUFFIX);
      current.add(path);
      plan.ownFile(context, path, PemBundle.pem(ca));
    }
    plan.removeOwnedFiles(context, dir, current);
    Optional<String> hashedDir = distro.hashedDir().filter(h -> isDirectory(context, h));
    if (hashedDir.isEmpty()) {
      return ca -> dir; // no links to point anywhere
    }
    // relative between the real locations, so that a link reads the same from the host
    Path relative =
        Path.of(context.realPath(hashedDir.get())).relativize(Path.of(context.realPath(dir)));
    return ca -> relative.resolve(OsStorePlan.fileName(ca, ANCHOR_SUFFIX)).toString();
  }

  private static boolean isDirectory(InjectionContext context, String path) {
    try {
      return context.root().isDirectory(path);
    } catch (IOException e) {
      return false; // HashedDirectory makes no links there either
    }
  }

  /**
   * Plans {@code link} -> {@link EnvMerger#ANCHORS_PATH}; false, with a note, when an entry that is
   * not ours holds the name. Ours, removed or pointed elsewhere by the container, is linked again
   * and reported as drift, as a changed file of ours is written again.
   */
  private static boolean planAnchorLink(
      InjectionContext context, String dir, String link, OsStorePlan plan) throws IOException {
    RootFs root = context.root();
    boolean exists = root.isDirectory(dir);
    Optional<String> target = exists ? root.linkTarget(dir, ANCHOR_LINK) : Optional.empty();
    boolean taken = exists && root.hasEntry(dir, ANCHOR_LINK);
    boolean ours = context.previous().links().containsKey(link);
    if (target.filter(EnvMerger.ANCHORS_PATH::equals).isEmpty()) {
      if (taken && (target.isEmpty() || !ours)) {
        if (ours) {
          context.drift(link, "replaced by the container; one anchor file per CA instead");
        }
        context.note(link + " exists and is not ours: one anchor file per CA instead");
        return false;
      }
      plan.link(link, EnvMerger.ANCHORS_PATH);
      if (ours) {
        context.drift(link, (taken ? "changed" : "removed") + " by the container; linked again");
      }
    }
    context.ownLink(link, EnvMerger.ANCHORS_PATH);
    return true;
  }

  private static void planJavaStores(InjectionContext context, Distro distro, OsStorePlan plan)
      throws IOException {
    for (String path : distro.javaStores()) {
      Optional<ByteString> content = readIfPresent(context, path);
      if (content.isEmpty() || context.onVolume(path)) {
        continue;
      }
      String real = context.realPath(path);
      if (real.endsWith(JDK_CACERTS_SUFFIX)) {
        context.note("left " + path + " alone: it resolves to a JDK's own cacerts " + real);
        continue;
      }
      Set<Fingerprint> ours = context.previous().addedTo(real);
      CertificateSet certificates = new CertificateSet();
      Set<Fingerprint> removed = new HashSet<>();
      for (CaCertificate c : context.memo().readKeyStore(path, content.get())) {
        if (ours.contains(c.fingerprint())) {
          removed.add(c.fingerprint());
        } else {
          certificates.add(c);
        }
      }
      List<Fingerprint> added = new ArrayList<>();
      for (CaCertificate ca : context.cas().certificates()) {
        if (certificates.add(ca)) {
          added.add(ca.fingerprint());
        }
      }
      context.ownAdded(real, added);
      if (!removed.equals(Set.copyOf(added))) { // equal: our same entries taken out and put back
        plan.file(real, context.memo().pkcs12(certificates.list()));
      }
    }
  }

  /**
   * The image's own bundle content: {@code content} without the certificates earlier runs appended
   * to it (a rotation reads a bundle that holds them).
   */
  private static ByteString imageContent(InjectionContext context, String path, ByteString content)
      throws IOException {
    if (context.previous().added().isEmpty()) {
      return content;
    }
    return BundleMerger.remove(content, context.previous().addedTo(context.realPath(path)));
  }

  /** The file's bytes when it exists (capped); a non-regular file there is an error. */
  static Optional<ByteString> readIfPresent(InjectionContext context, String path)
      throws IOException {
    try {
      return context.root().readIfExists(path, context.trustStoreCap());
    } catch (IOException e) {
      throw new InjectionException(path, "read trust store", e);
    }
  }

  /** The distro's bundle when present; a bundle path symlinked to nothing is an error. */
  private static Optional<ByteString> readBundle(InjectionContext context, String path)
      throws IOException {
    try {
      return context.root().readTrustStore(path, context.trustStoreCap());
    } catch (IOException e) {
      throw new InjectionException(path, "read trust store", e);
    }
  }

  private static Optional<OsRelease> readOsRelease(RootFs root) throws IOException {
    for (String path : OsRelease.PATHS) {
      try {
        Optional<ByteString> content = root.readIfExists(path, OsRelease.MAX_BYTES);
        if (content.isPresent()) {
          return Optional.of(OsRelease.parse(content.get()));
        }
      } catch (IOException e) {
        throw new InjectionException(path, "read os-release", e);
      }
    }
    return Optional.empty();
  }
}
