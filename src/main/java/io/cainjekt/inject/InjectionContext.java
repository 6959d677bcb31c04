// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import io.cainjekt.rootfs.ResolvedPath;
import io.cainjekt.rootfs.RootChange;
import io.cainjekt.rootfs.RootChangeLog;
import io.cainjekt.rootfs.RootFs;
import io.cainjekt.trust.CaCertificate;
import io.cainjekt.trust.ContentMemo;
import io.cainjekt.trust.Fingerprint;
import io.cainjekt.trust.PemBundle;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Per-run state shared by the processors of one pipeline run: the request, what was found (distro,
 * image bundle, JDK seed, runtimes) and every change made. All changes to the root go through
 * {@link #write}, {@link #symlink}, {@link #delete} and {@link #createDirectories}, into the run's
 * {@link RootChangeLog}, which records them (and, in a dry run, does nothing else); the paths
 * changed are read from that log. What the run adds is recorded too ({@link #ownership()}). The
 * trust functions go through the daemon's {@link ContentMemo} ({@link #memo()}). Confined to the
 * thread running the pipeline.
 */
public final class InjectionContext {

  /**
   * Read cap for trust bundles and keystores in a root (docs/architecture.md, "Safety rules"). A 16
   * MiB bundle costs seconds of parsing and over 150 MiB of heap, far past the runtime's 2 s
   * request timeout. 2 MiB is about ten times the largest distribution bundle (Debian's is 220 KB,
   * 146 certificates) and parses well inside the budget (docs/performance.md).
   */
  public static final long MAX_BUNDLE_BYTES = 2 << 20;

  /** Room per certificate added to a store: a PEM certificate is rarely over 4 KiB. */
  static final long ADDED_CERTIFICATE_BYTES = 4 << 10;

  /** Mode of new files we create in a root: {@code rw-r--r--}. */
  public static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");

  /**
   * The image's own OS bundle, as it was before injection, parsed once for the run.
   *
   * @param containerPath where it was read
   * @param content its bytes
   * @param parsed its certificates, parsed leniently
   */
  public record ImageBundle(String containerPath, ByteString content, PemBundle parsed) {}

  /**
   * The certificates of the image JDK's cacerts that seed truststore.p12.
   *
   * @param containerPath the cacerts file they were read from
   * @param certificates the trusted certificates it holds
   */
  public record JavaSeed(String containerPath, List<CaCertificate> certificates) {
    public JavaSeed {
      certificates = List.copyOf(certificates);
    }
  }

  /**
   * A JDK or JRE found in the image.
   *
   * @param home container path of the Java home
   * @param version JAVA_VERSION of its {@code release} file, "" when unknown
   * @param cacerts container path of its cacerts ({@code lib/security} or {@code jre/lib/security})
   */
  public record Jdk(String home, String version, Optional<String> cacerts) {
    public Jdk {
      Objects.requireNonNull(home, "home");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(cacerts, "cacerts");
    }
  }

  /**
   * A language runtime found in the image.
   *
   * @param name e.g. "java", "python"
   * @param containerPath where it was found
   * @param detail version or how it trusts CAs
   */
  public record Runtime(String name, String containerPath, String detail) {}

  /**
   * A distro family decision.
   *
   * @param osRelease the parsed os-release, if the image has one
   * @param family the family of the Distro table chosen
   */
  public record DistroMatch(Optional<OsRelease> osRelease, String family) {}

  private final InjectionRequest request;
  private final ContentMemo memo;
  private final RootChangeLog changeLog;
  private Optional<DistroMatch> distro = Optional.empty();
  private Optional<ImageBundle> imageBundle = Optional.empty();
  private Optional<JavaSeed> javaSeed = Optional.empty();
  private final List<Runtime> runtimes = new ArrayList<>();
  private List<Jdk> jdks = List.of();
  private final Set<String> volumeSkipped = new TreeSet<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> drifted = new ArrayList<>();
  private final Map<String, Set<Fingerprint>> ownedAdded = new TreeMap<>();
  private final Set<String> ownedFiles = new TreeSet<>();
  private final Map<String, String> ownedLinks = new TreeMap<>();

  InjectionContext(InjectionRequest request, ContentMemo memo, RootChangeLog changeLog) {
    this.request = Objects.requireNonNull(request, "request");
    this.memo = Objects.requireNonNull(memo, "memo");
    this.changeLog = Objects.requireNonNull(changeLog, "changeLog");
  }

  /** The parses, merges and truststores of file content remembered across runs. */
  public ContentMemo memo() {
    return memo;
  }

  public RootFs root() {
    return request.root();
  }

  public PemBundle cas() {
    return request.cas();
  }

  /** The container's variables the processors may read: {@link InjectionRequest#ENV_INPUTS}. */
  public Map<String, String> containerEnv() {
    return request.containerEnv();
  }

  public boolean dryRun() {
    return request.dryRun();
  }

  /**
   * True when the container has its bundle's anchors mounted at {@link EnvMerger#ANCHORS_PATH}
   * (every container staged at CreateContainer; not a late starter).
   */
  public boolean anchorsMounted() {
    return request.volumeMountPaths().contains(EnvMerger.ANCHORS_PATH);
  }

  /**
   * True when the path, as asked or after resolving symlinks inside the root, lies on a volume
   * mount; the path is then recorded as skipped for status.json.
   */
  public boolean onVolume(String containerPath) throws IOException {
    if (!underVolume(containerPath) && !underVolume(realPath(containerPath))) {
      return false;
    }
    volumeSkipped.add(containerPath);
    return true;
  }

  /** The container path after resolving every symlink inside the root. */
  public String realPath(String containerPath) throws IOException {
    ResolvedPath resolved = root().resolve(containerPath);
    Path relative = root().hostRoot().relativize(resolved.hostPath());
    return "/" + relative.toString();
  }

  private boolean underVolume(String path) {
    for (String v : request.volumeMountPaths()) {
      String mount = v.endsWith("/") && v.length() > 1 ? v.substring(0, v.length() - 1) : v;
      if (path.equals(mount) || path.startsWith(mount.equals("/") ? "/" : mount + "/")) {
        return true;
      }
    }
    return false;
  }

  /** Atomically replaces or creates a file (nothing but the record in a dry run). */
  public void write(String containerPath, ByteString content) throws IOException {
    changeLog.writeAtomically(containerPath, content, FILE_MODE);
  }

  /** Creates or replaces a symlink (nothing but the record in a dry run). */
  public void symlink(String containerPath, String target) throws IOException {
    changeLog.symlink(containerPath, target);
  }

  /**
   * Removes a file or symlink (nothing but the record in a dry run); true when something was there.
   */
  public boolean delete(String containerPath) throws IOException {
    return changeLog.delete(containerPath);
  }

  /** Creates a directory and its parents when missing (nothing in a dry run). */
  public void createDirectories(String containerPath) throws IOException {
    if (!dryRun() && !root().isDirectory(containerPath)) {
      changeLog.createDirectories(containerPath);
    }
  }

  public void distro(DistroMatch match) {
    this.distro = Optional.of(match);
  }

  public Optional<DistroMatch> distro() {
    return distro;
  }

  public void imageBundle(ImageBundle bundle) {
    this.imageBundle = Optional.of(bundle);
  }

  public Optional<ImageBundle> imageBundle() {
    return imageBundle;
  }

  public void javaSeed(JavaSeed seed) {
    this.javaSeed = Optional.of(seed);
  }

  public Optional<JavaSeed> javaSeed() {
    return javaSeed;
  }

  /**
   * The image's JDKs, found once per run by the Java processor's detection; its apply reads them
   * here instead of searching the image again.
   */
  public void jdks(List<Jdk> found) {
    this.jdks = List.copyOf(found);
  }

  /** The image's JDKs as the detection found them; empty before it ran. */
  public List<Jdk> jdks() {
    return jdks;
  }

  public void runtime(Runtime runtime) {
    runtimes.add(runtime);
  }

  public List<Runtime> runtimes() {
    return List.copyOf(runtimes);
  }

  /**
   * Container paths changed so far (or that a dry run would change), in order: the files and links
   * written or removed; directories created are not listed.
   */
  public List<String> changes() {
    return changeLog.changes().stream()
        .filter(c -> !(c instanceof RootChange.Directories))
        .map(RootChange::containerPath)
        .toList();
  }

  /** Number of changes so far; processors slice {@link #changes()} with it. */
  public int changeCount() {
    return changes().size();
  }

  /** Trust-store paths left alone because a volume is mounted there, sorted. */
  public List<String> volumeSkipped() {
    return List.copyOf(volumeSkipped);
  }

  /** Adds a remark for status.json (e.g. "image has no OS bundle"). */
  public void note(String note) {
    notes.add(note);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  /**
   * Records that the container changed or removed an entry an earlier run made ({@link
   * #previous()}): {@code what} says what was found and what this run did about it.
   */
  public void drift(String containerPath, String what) {
    drifted.add(containerPath + ": " + what);
  }

  public List<String> drifted() {
    return List.copyOf(drifted);
  }

  /**
   * Read cap for a trust store of the OS: {@link #MAX_BUNDLE_BYTES} for the image's own content,
   * plus room for what this run adds and what earlier runs added ({@link #previous()}), so a store
   * the plugin made large (an enterprise bundle of a thousand CAs) can still be read back.
   */
  public long trustStoreCap() {
    long previous = 0;
    for (Set<Fingerprint> added : previous().added().values()) {
      previous = Math.max(previous, added.size());
    }
    return MAX_BUNDLE_BYTES + (previous + cas().size()) * ADDED_CERTIFICATE_BYTES;
  }

  /** What earlier runs added to this root ({@link InjectionRequest#previous()}). */
  public Ownership previous() {
    return request.previous();
  }

  /** Records that this run's result holds {@code fingerprints} in the store at {@code path}. */
  public void ownAdded(String path, Collection<Fingerprint> fingerprints) {
    if (!fingerprints.isEmpty()) {
      ownedAdded.computeIfAbsent(path, k -> new TreeSet<>()).addAll(fingerprints);
    }
  }

  /** Records that this run's result holds a file of ours at {@code path}. */
  public void ownFile(String path) {
    ownedFiles.add(path);
  }

  /** Records that this run's result holds a symlink of ours at {@code path}. */
  public void ownLink(String path, String target) {
    ownedLinks.put(path, target);
  }

  /** What this run's result holds of ours, so far. */
  public Ownership ownership() {
    return new Ownership(ownedAdded, ownedFiles, ownedLinks);
  }

  /**
   * Hands the request's journal everything owned before or by this run, ahead of the run's first
   * write (nothing in a dry run).
   */
  public void journal() throws IOException {
    if (!dryRun()) {
      request.journal().record(previous().union(ownership()));
    }
  }
}
