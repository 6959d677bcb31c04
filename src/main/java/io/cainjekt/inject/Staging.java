// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject;

import com.google.protobuf.ByteString;
import io.cainjekt.trust.Fingerprint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging store (docs/architecture.md, "What a container sees" and "Safety rules"): one
 * directory per container, {@code <root>/containers/<id>/}, bind-mounted read-only at {@code
 * /etc/cainjekt}. Its files are hard links to content-addressed blobs under {@code <root>/blobs/},
 * so 300 containers given the same bundle cost one copy. Each file is replaced atomically (link to
 * a temporary name in the container directory, then rename), so a process in the container sees the
 * old or the new file, never a partial one. A blob no container links any more is deleted, unless
 * it is one of the files kept for the next container ({@link #keep}).
 *
 * <p>Modes: directories 0755, files 0644 (set explicitly, whatever the umask), owned by the
 * plugin's user, which is root in the DaemonSet. Files are shared between containers by hard link,
 * which is safe only because the mount is read-only.
 *
 * <p>Thread-safe. Hashing and writing a new blob's bytes happen outside the lock; linking, renaming
 * and deleting (microseconds on tmpfs) run under one lock, which makes blob garbage collection
 * race-free against a concurrent link to the same blob.
 */
public final class Staging implements AutoCloseable {

  /** Default root directory (tmpfs on the node). */
  public static final Path DEFAULT_ROOT = Path.of("/run/cainjekt");

  public static final String CA_BUNDLE = "ca-bundle.pem";
  public static final String CUSTOM_CA = "custom-ca.pem";
  public static final String TRUSTSTORE = "truststore.p12";
  public static final String STATUS = "status.json";

  /**
   * The empty directory in each container's directory where the anchors of its bundle ({@link
   * #anchors}) are mounted on top of the staged directory.
   */
  public static final String ANCHORS = "anchors";

  /** Longest accepted container ID (containerd uses 64 hex characters). */
  public static final int MAX_ID_CHARS = 128;

  static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");
  private static final Logger log = LoggerFactory.getLogger(Staging.class);

  private final Path root;
  private final Path containers;
  private final Path anchors;
  private final BlobStore blobs;
  private final Set<String> ids = ConcurrentHashMap.newKeySet();
  // slot -> the files kept for it (compared by identity: callers hand in the same map)
  private final Map<String, Map<String, ByteString>> kept = new ConcurrentHashMap<>();
  // bundle -> the anchor files its directory holds (by identity, as for kept)
  private final Map<String, Map<String, ByteString>> anchorsHeld = new ConcurrentHashMap<>();
  // content -> its blob name; weak keys, the values do not refer to them. A ByteString caches its
  // hash and equals starts with identity, so the content of a remembered plan costs O(1) here
  private final Map<ByteString, String> blobNames =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();

  private Staging(Path root) {
    this.root = root;
    this.containers = root.resolve("containers");
    this.anchors = root.resolve(ANCHORS);
    this.blobs = new BlobStore(root.resolve("blobs"));
  }

  /**
   * Opens (creating when missing) the store at {@code root}. Leftovers of a crash are cleaned:
   * temporary files, and blobs no container links. Staged containers are kept and listed by {@link
   * #containerIds()}; {@link #retainOnly} decides about them once the runtime has synchronized.
   */
  public static Staging open(Path root) throws IOException {
    Staging s = new Staging(root);
    s.lock.lock();
    try {
      s.createDirectory(root);
      s.createDirectory(s.containers);
      s.createDirectory(s.anchors);
      s.createDirectory(s.blobs.dir());
      s.recover();
    } finally {
      s.lock.unlock();
    }
    return s;
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  /** The host directory of a container, whether it exists or not. */
  public Path directory(String containerId) {
    return containers.resolve(checkId(containerId));
  }

  /**
   * Creates the container's directory if needed and stores the files in it, each atomically. Files
   * not named in {@code files} are left as they are. Returns the directory to bind-mount.
   */
  public Path prepare(String containerId, Map<String, ByteString> files) throws IOException {
    Path dir = directory(containerId);
    store(containerId, dir, files, true);
    return dir;
  }

  /**
   * Replaces files of a prepared container, each atomically (rotation, StartContainer refill).
   * Throws {@link NoSuchFileException} when the container has no directory (never prepared, or
   * released).
   */
  public void replace(String containerId, Map<String, ByteString> files) throws IOException {
    store(containerId, directory(containerId), files, false);
  }

  /**
   * Keeps the blobs of {@code files} stored while no container links them, in place of the files
   * kept before under the same {@code slot}, whose blobs are deleted once no container links them.
   * For the files every CreateContainer stages (a bundle's safe defaults, one slot per bundle): the
   * first container after the last one gone links them instead of writing them again (about 400
   * KB). Nothing is written here. A call with the map kept already returns at once. A restart keeps
   * nothing until asked again.
   */
  public void keep(String slot, Map<String, ByteString> files) throws IOException {
    if (kept.get(slot) == files) {
      return;
    }
    lock.lock();
    try {
      kept.put(slot, files);
      Set<String> hashes = new HashSet<>();
      for (Map<String, ByteString> slotFiles : kept.values()) {
        for (ByteString content : slotFiles.values()) {
          hashes.add(hashOf(content));
        }
      }
      blobs.keepOnly(hashes);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes the bundle's anchor directory, {@code <root>/anchors/<bundle>}, hold exactly {@code
   * files} (plain names, each file's name fixed by its content) and returns it, to be bind-mounted
   * at {@link EnvMerger#ANCHORS_PATH}. The directory is changed in place, never replaced, so that
   * the containers that have it mounted see the new set: a new file is written to a temporary name
   * and renamed, and a name not in {@code files} is removed. A file already there under its name is
   * kept as it is. A call with the map the directory holds already returns at once.
   */
  public Path anchors(String bundle, Map<String, ByteString> files) throws IOException {
    Path dir = anchors.resolve(bundleDirectory(bundle));
    if (anchorsHeld.get(bundle) == files) {
      return dir;
    }
    files.keySet().forEach(Staging::checkFileName);
    lock.lock();
    try {
      createDirectory(dir);
      Set<String> present = new HashSet<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          String name = p.getFileName().toString();
          if (files.containsKey(name) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            present.add(name);
          } else {
            Files.delete(p);
          }
        }
      }
      for (Map.Entry<String, ByteString> f : files.entrySet()) {
        if (!present.contains(f.getKey())) {
          Path tmp = dir.resolve(BlobStore.TEMP_PREFIX + f.getKey());
          try (OutputStream out = Files.newOutputStream(tmp)) {
            f.getValue().writeTo(out);
          }
          Files.setPosixFilePermissions(tmp, BlobStore.FILE_MODE);
          Files.move(tmp, dir.resolve(f.getKey()), StandardCopyOption.ATOMIC_MOVE);
        }
      }
      anchorsHeld.put(bundle, files);
      return dir;
    } finally {
      lock.unlock();
    }
  }

  /** Deletes the container's directory and the blobs only it used. Unknown IDs are a no-op. */
  public void release(String containerId) throws IOException {
    Path dir = directory(containerId);
    lock.lock();
    try {
      deleteContainerDirectory(dir);
      ids.remove(containerId);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes every staged container not in {@code liveContainerIds} (after the runtime's
   * Synchronize). A live container's directory is never touched; IDs that are not valid names are
   * ignored in the live set (they cannot have a directory).
   */
  public void retainOnly(Set<String> liveContainerIds) throws IOException {
    lock.lock();
    try {
      List<String> orphans = new ArrayList<>();
      for (String id : ids) {
        if (!liveContainerIds.contains(id)) {
          orphans.add(id);
        }
      }
      for (String id : orphans) {
        deleteContainerDirectory(containers.resolve(id));
        ids.remove(id);
        log.atInfo().setMessage("staging: orphan removed").addKeyValue("container_id", id).log();
      }
    } finally {
      lock.unlock();
    }
  }

  /** IDs of the containers that have a staged directory. */
  public Set<String> containerIds() {
    return Set.copyOf(ids);
  }

  /** Bytes on disk used by the staged content, each shared file counted once. */
  public long stagedBytes() {
    return blobs.bytes();
  }

  @Override
  public void close() {
    closed.set(true);
  }

  private void store(String id, Path dir, Map<String, ByteString> files, boolean create)
      throws IOException {
    if (closed.get()) {
      throw new IllegalStateException("staging is closed");
    }
    Map<String, ByteString> sorted = new TreeMap<>(files);
    sorted.keySet().forEach(Staging::checkFileName);
    Map<String, Path> temps = new LinkedHashMap<>();
    Map<String, String> hashes = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, ByteString> e : sorted.entrySet()) {
        String hash = hashOf(e.getValue());
        hashes.put(e.getKey(), hash);
        if (!blobs.contains(hash)) { // the common case is a blob another container stored
          temps.put(e.getKey(), blobs.writeTemp(e.getValue()));
        }
      }
      lock.lock();
      try {
        if (create) {
          createDirectory(dir);
          createDirectory(dir.resolve(ANCHORS));
          ids.add(id);
        } else if (!ids.contains(id)) {
          throw new NoSuchFileException(dir.toString(), null, "container " + id + " not staged");
        }
        for (String name : sorted.keySet()) {
          String hash = hashes.get(name);
          if (!temps.containsKey(name) && !blobs.contains(hash)) { // collected since we looked
            temps.put(name, blobs.writeTemp(sorted.get(name)));
          }
          Path blob =
              temps.containsKey(name) ? blobs.publish(hash, temps.get(name)) : blobs.path(hash);
          linkAtomically(blob, dir.resolve(name));
        }
      } finally {
        lock.unlock();
      }
    } finally {
      for (Path tmp : temps.values()) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * The SHA-256 of a file's content, remembered per content: every container of an image stages the
   * same bytes (those of the image's remembered plan, {@link PlanMemo}).
   */
  private String hashOf(ByteString content) {
    String known = blobNames.get(content);
    if (known == null) {
      known = Fingerprint.of(content).hex();
      blobNames.put(content, known);
    }
    return known;
  }

  /**
   * Points {@code target} at {@code blob}: link to a temporary name, then rename over, then drop
   * the blob the old file was, if nothing else links it.
   */
  private void linkAtomically(Path blob, Path target) throws IOException {
    Object old = Files.exists(target) ? BlobStore.inode(target) : null;
    if (BlobStore.inode(blob).equals(old)) {
      return;
    }
    Path tmp = target.resolveSibling(BlobStore.TEMP_PREFIX + target.getFileName());
    Files.deleteIfExists(tmp);
    Files.createLink(tmp, blob);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      blobs.dropIfUnused(old);
    }
  }

  private void deleteContainerDirectory(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        Object inode = BlobStore.inode(p);
        Files.delete(p); // a file, or the empty mount point of the anchors
        blobs.dropIfUnused(inode);
      }
    } catch (NoSuchFileException ignored) {
      // never staged or already released
      return;
    }
    Files.deleteIfExists(dir);
  }

  private void recover() throws IOException {
    Set<String> found = new HashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(containers)) {
      for (Path dir : entries) {
        String name = dir.getFileName().toString();
        if (!Files.isDirectory(dir) || !validId(name)) {
          log.atWarn()
              .setMessage("staging: unexpected entry left alone")
              .addKeyValue("path", dir)
              .log();
          continue;
        }
        try (DirectoryStream<Path> files =
            Files.newDirectoryStream(dir, BlobStore.TEMP_PREFIX + "*")) {
          for (Path tmp : files) {
            Files.deleteIfExists(tmp);
          }
        }
        found.add(name);
      }
    }
    ids.addAll(found);
    blobs.collectGarbage(true);
    blobs.recount();
  }

  private void createDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, DIR_MODE);
  }

  static boolean validId(String id) {
    return id.length() <= MAX_ID_CHARS && SAFE_NAME.matcher(id).matches() && !id.contains("..");
  }

  static String checkId(String id) {
    if (!validId(id)) {
      throw new IllegalArgumentException(
          "container id '"
              + id.substring(0, Math.min(id.length(), 40)).replaceAll("\\p{Cntrl}", "?")
              + "' is not a safe directory name: 1-"
              + MAX_ID_CHARS
              + " characters of [A-Za-z0-9_.-], not starting with '.', no '..'");
    }
    return id;
  }

  /** The directory name of a bundle's anchors: its name when plain, else its name's SHA-256. */
  private static String bundleDirectory(String bundle) {
    return bundle.length() <= 64 && SAFE_NAME.matcher(bundle).matches() && !bundle.contains("..")
        ? bundle
        : Fingerprint.of(bundle.getBytes(StandardCharsets.UTF_8)).hex();
  }

  private static void checkFileName(String name) {
    if (name.length() > 128 || !SAFE_NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException("staged file name '" + name + "' is not a plain name");
    }
  }
}
