// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import io.cainjekt.e2e.tls.Pki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds synthetic container roots from the {@link Distro} table itself: the os-release of the
 * family, its primary bundle holding three public roots (the other bundle paths link to it, as on
 * Alpine and RHEL), a hashed directory whose CorpCA hash slot {@code .0} is taken by another CA
 * with the same subject, and the family's Java stores seeded from a JDK-like cacerts.
 */
public final class DistroRoots {

  /** The certificates of the image's own bundle, in file order. */
  public static final String[] IMAGE_ROOTS = {"fake-public-root", "public-root-2", "public-root-3"};

  private DistroRoots() {}

  /** The os-release ID used for a family's synthetic root. */
  public static String osReleaseId(Distro d) {
    return d.ids().getFirst().replace("*", "-leap");
  }

  public static Path build(Path root, Distro d) throws IOException {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/os-release"), "ID=\"" + osReleaseId(d) + "\"\n");
    String primary = d.bundleFiles().getFirst();
    write(root, primary, Pki.bytes("image-bundle.pem"));
    if (d != Distro.GENERIC) {
      for (String other : d.bundleFiles().subList(1, d.bundleFiles().size())) {
        link(root, other, primary);
      }
    }
    if (d.hashedDir().isPresent()) {
      String dir = d.hashedDir().get();
      write(root, dir + "/fake-public-root.pem", Pki.bytes("fake-public-root.crt"));
      link(
          root,
          dir + "/" + SubjectHash.of(Pki.certificate("fake-public-root")) + ".0",
          "fake-public-root.pem");
      write(root, dir + "/corp-ca-rekeyed.pem", Pki.bytes("corp-ca-rekeyed.crt"));
      link(
          root,
          dir + "/" + SubjectHash.of(Pki.certificate("corp-ca-rekeyed")) + ".0",
          "corp-ca-rekeyed.pem");
    }
    for (String store : d.javaStores()) {
      write(root, store, Pki.bytes(d.family().equals("rhel") ? "cacerts.jks" : "cacerts.p12"));
    }
    return root;
  }

  /** Writes a file at a container path, creating parents. */
  public static void write(Path root, String containerPath, byte[] content) throws IOException {
    Path p = root.resolve(containerPath.substring(1));
    Files.createDirectories(p.getParent());
    Files.write(p, content);
  }

  /** Creates a symlink at a container path, creating parents. */
  public static void link(Path root, String containerPath, String target) throws IOException {
    Path p = root.resolve(containerPath.substring(1));
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, Path.of(target));
  }
}
