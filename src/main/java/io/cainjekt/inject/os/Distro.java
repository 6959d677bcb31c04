// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.os;

import io.cainjekt.inject.OsRelease;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One distribution family of docs/architecture.md, "Distro table" and where it keeps its trust
 * store. The table is {@link #TABLE}; {@link #detect} picks the family for an image.
 *
 * @param family stable family name, e.g. "debian"; used in status.json
 * @param ids os-release IDs of the family; an entry ending in {@code *} matches by prefix
 * @param bundleFiles PEM bundles rewritten when they exist, primary first
 * @param anchorDir where one {@code cainjekt-<fingerprint>.crt} per CA goes, so that the distro's
 *     own rebuild (update-ca-certificates, update-ca-trust, trust extract) keeps the CA
 * @param anchorSubdirectories true when that rebuild also reads the anchors of a subdirectory
 *     reached by a symlink (Debian's update-ca-certificates runs {@code find -L}): one link to the
 *     anchors mounted with the container then stands for every per-CA file
 * @param hashedDir OpenSSL CApath directory ({@code <subject-hash>.N} links), when the family has
 *     one; links are added only when the directory already holds hash links
 * @param javaStores the distro's extracted Java keystores (generated from the anchors, outside any
 *     JDK): rewritten with the CAs added. A JDK's own {@code lib/security/cacerts} is never in
 *     here.
 */
public record Distro(
    String family,
    List<String> ids,
    List<String> bundleFiles,
    Optional<String> anchorDir,
    boolean anchorSubdirectories,
    Optional<String> hashedDir,
    List<String> javaStores) {

  /** Every PEM bundle path a family of the table knows: the fallback's candidates. */
  public static final List<String> KNOWN_BUNDLES =
      List.of(
          "/etc/ssl/certs/ca-certificates.crt",
          "/etc/pki/tls/certs/ca-bundle.crt",
          "/etc/ssl/ca-bundle.pem",
          "/etc/ssl/cert.pem",
          "/etc/pki/tls/cacert.pem",
          "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem");

  /** Images whose os-release matches no other family, or that have no os-release at all. */
  public static final Distro GENERIC =
      new Distro(
          "generic",
          List.of("wolfi", "chainguard", "azurelinux", "mariner", "photon"),
          KNOWN_BUNDLES,
          Optional.empty(),
          false,
          Optional.empty(),
          List.of());

  /**
   * The families of docs/architecture.md, "Distro table", in match priority order; {@link #GENERIC}
   * is last.
   */
  public static final List<Distro> TABLE =
      List.of(
          new Distro(
              "debian",
              List.of("debian", "ubuntu"),
              List.of("/etc/ssl/certs/ca-certificates.crt"),
              Optional.of("/usr/local/share/ca-certificates"),
              true,
              Optional.of("/etc/ssl/certs"),
              List.of("/etc/ssl/certs/java/cacerts")),
          new Distro(
              "rhel",
              List.of("rhel", "fedora", "centos", "rocky", "almalinux", "ol", "amzn"),
              List.of(
                  "/etc/pki/tls/certs/ca-bundle.crt",
                  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
                  "/etc/pki/tls/cert.pem",
                  "/etc/pki/ca-trust/extracted/openssl/ca-bundle.trust.crt"),
              Optional.of("/etc/pki/ca-trust/source/anchors"),
              false,
              Optional.of("/etc/pki/ca-trust/extracted/pem/directory-hash"),
              List.of("/etc/pki/ca-trust/extracted/java/cacerts")),
          new Distro(
              "suse",
              List.of("opensuse*", "sles", "sled", "suse"),
              List.of("/etc/ssl/ca-bundle.pem"),
              Optional.of("/etc/pki/trust/anchors"),
              false,
              Optional.of("/etc/ssl/certs"),
              List.of("/var/lib/ca-certificates/java-cacerts")),
          new Distro(
              "alpine",
              List.of("alpine"),
              List.of("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"),
              Optional.of("/usr/local/share/ca-certificates"),
              false,
              Optional.of("/etc/ssl/certs"),
              List.of("/etc/ssl/certs/java/cacerts")),
          new Distro(
              "arch",
              List.of("arch", "archarm"),
              List.of("/etc/ssl/certs/ca-certificates.crt"),
              Optional.of("/etc/ca-certificates/trust-source/anchors"),
              false,
              Optional.of("/etc/ssl/certs"),
              List.of("/etc/ssl/certs/java/cacerts")),
          GENERIC);

  public Distro {
    Objects.requireNonNull(family, "family");
    ids = List.copyOf(ids);
    bundleFiles = List.copyOf(bundleFiles);
    Objects.requireNonNull(anchorDir, "anchorDir");
    Objects.requireNonNull(hashedDir, "hashedDir");
    javaStores = List.copyOf(javaStores);
  }

  /** True when this family claims the os-release ID. */
  public boolean matches(String osReleaseId) {
    return ids.stream()
        .anyMatch(
            p ->
                p.endsWith("*")
                    ? osReleaseId.startsWith(p.substring(0, p.length() - 1))
                    : p.equals(osReleaseId));
  }

  /**
   * The family for an image: the first entry of ID, then ID_LIKE in order, that a family claims;
   * {@link #GENERIC} when none does or the image has no os-release.
   */
  public static Distro detect(Optional<OsRelease> osRelease) {
    for (String id : osRelease.map(OsRelease::lineage).orElse(List.of())) {
      for (Distro d : TABLE) {
        if (d.matches(id)) {
          return d;
        }
      }
    }
    return GENERIC;
  }
}
