// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The only door into a container root (docs/architecture.md, "Safety rules"). Container paths are
 * resolved component by component with chroot semantics ({@link PathResolver}); reads are
 * size-capped and open only regular files; writes replace regular files atomically and deletes
 * unlink a file or symlink, neither following a symlink in the final step. The host root itself is
 * trusted (it may be {@code /proc/<pid>/root}); nothing below it is. Thread-safe: the object holds
 * the root path and, if opened {@link #openForInjection for one injection}, what it learned of the
 * paths it resolved; the container is expected to be paused while we work, and every final open,
 * rename, unlink or {@code symlinkat} is relative to a directory descriptor reached with {@code
 * O_NOFOLLOW} (or {@code openat2} with {@code RESOLVE_NO_SYMLINKS}) so a symlink swapped in after
 * resolution fails instead of escaping.
 */
public final class RootFs implements AutoCloseable {

  private static final Set<PosixFilePermission> DIRECTORY_MODE =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private final Path hostRoot;
  private final Lookup lookup;
  private final DirectoryWalk directories;
  private final NativeDirs linkDirectories;

  private RootFs(
      Path hostRoot, Lookup lookup, DirectoryWalk directories, NativeDirs linkDirectories) {
    this.hostRoot = hostRoot;
    this.lookup = lookup;
    this.directories = directories;
    this.linkDirectories = linkDirectories;
  }

  /**
   * Opens a container root.
   *
   * @param hostRoot an existing directory on the host, e.g. {@code /proc/<pid>/root}
   * @throws IOException if it is not an existing directory
   */
  public static RootFs open(Path hostRoot) throws IOException {
    Path root = existingDirectory(hostRoot);
    return new RootFs(
        root, Lookup.direct(), DirectoryWalk.eachTime(root), NativeDirs.disabled(root));
  }

  /**
   * Opens a container root for one injection: what {@code lstat} and {@code readlink} say of each
   * path, and the content of each file read, are remembered until a change made through this object
   * replaces that path, so the hundreds of lookups of one injection cost a few dozen system calls
   * and a trust store reached by two names is read once. Changes made to the root by anyone else
   * while the object is in use are not seen; the final open or rename of every read and write not
   * answered from memory is still made through {@code O_NOFOLLOW} directory descriptors, so a stale
   * answer fails instead of escaping the root. Use it for one injection of a paused container, then
   * close it. The directories that reads and writes are made in stay open until {@link #close}, so
   * each is walked to once per injection instead of once per file, and a new {@link #symlink} is
   * one {@code symlinkat} on such a directory's descriptor.
   *
   * @throws IOException if it is not an existing directory
   */
  public static RootFs openForInjection(Path hostRoot) throws IOException {
    return openForInjection(hostRoot, true);
  }

  /**
   * Like {@link #openForInjection(Path)}; with {@code symlinkat} false, links are made as by a root
   * whose kernel has no {@code openat2}.
   */
  static RootFs openForInjection(Path hostRoot, boolean symlinkat) throws IOException {
    Path root = existingDirectory(hostRoot);
    return new RootFs(
        root,
        Lookup.remembering(),
        DirectoryWalk.keptOpen(root),
        symlinkat ? NativeDirs.keptOpen(root) : NativeDirs.disabled(root));
  }

  /**
   * Closes the directory descriptors kept open for an injection; the object stays usable and walks
   * for each step from then on.
   */
  @Override
  public void close() {
    linkDirectories.close();
    directories.close();
  }

  private static Path existingDirectory(Path hostRoot) throws IOException {
    Path root = hostRoot.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(hostRoot.toString(), null, "open root: not a directory");
    }
    return root;
  }

  private PathResolver.Resolution resolveIn(String containerPath) throws IOException {
    return PathResolver.resolve(hostRoot, containerPath, lookup);
  }

  /** The host directory this root lives in. */
  public Path hostRoot() {
    return hostRoot;
  }

  /**
   * Resolves a container path inside the root; the final component may be missing.
   *
   * @throws RootfsEscapeException for a relative path, a loop (over 40 hops) or a non-directory in
   *     the middle
   */
  public ResolvedPath resolve(String containerPath) throws IOException {
    PathResolver.Resolution r = resolveIn(containerPath);
    return new ResolvedPath(containerPath, r.hostPath(hostRoot), r.exists());
  }

  /**
   * Reads a regular file, at most {@code maxBytes}; the type is checked without following links
   * before opening, so a FIFO never blocks and a device is never opened. A root opened {@link
   * #openForInjection for one injection} hands later reads of the same file the same bytes.
   *
   * @throws NoSuchFileException if it is missing
   * @throws NotRegularFileException if it is a directory, FIFO, socket or device
   * @throws FileTooLargeException if it holds more than {@code maxBytes}
   */
  public ByteString read(String containerPath, long maxBytes) throws IOException {
    return readIfExists(containerPath, maxBytes)
        .orElseThrow(() -> new NoSuchFileException(containerPath, null, "read"));
  }

  /** Like {@link #read} but empty when the file (or a directory above it) is missing. */
  public Optional<ByteString> readIfExists(String containerPath, long maxBytes) throws IOException {
    return readResolved(resolveIn(containerPath), containerPath, maxBytes);
  }

  private Optional<ByteString> readResolved(
      PathResolver.Resolution r, String containerPath, long maxBytes) throws IOException {
    if (!r.exists()) {
      return Optional.empty();
    }
    List<String> components = r.components();
    if (components.isEmpty()) {
      throw new NotRegularFileException("read", containerPath, FileKind.DIRECTORY.label());
    }
    Path host = r.hostPath(hostRoot);
    Optional<ByteString> known = lookup.content(host);
    if (known.isPresent()) {
      if (known.get().size() > maxBytes) {
        throw new FileTooLargeException(containerPath, maxBytes);
      }
      return known;
    }
    String name = components.getLast();
    try {
      return directories.in(
          components.subList(0, components.size() - 1),
          dir -> Optional.of(readIn(dir, name, host, containerPath, maxBytes)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private ByteString readIn(
      SecureDirectoryStream<Path> dir, String name, Path host, String containerPath, long maxBytes)
      throws IOException {
    BasicFileAttributes attrs =
        dir.getFileAttributeView(
                Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .readAttributes();
    if (!attrs.isRegularFile()) {
      throw new NotRegularFileException("read", containerPath, FileKind.of(host).label());
    }
    if (attrs.size() > maxBytes) {
      throw new FileTooLargeException(containerPath, maxBytes);
    }
    try (SeekableByteChannel channel =
            dir.newByteChannel(
                Path.of(name), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        InputStream in = Channels.newInputStream(channel)) {
      ByteString content = readBounded(in, containerPath, attrs.size(), maxBytes);
      lookup.rememberContent(host, content);
      return content;
    }
  }

  /**
   * Like {@link #readIfExists}, stricter, for a trust store the plugin will rewrite (the image's OS
   * bundle): symlinks that climb above the root (which the kernel would clamp), point at the root
   * itself or lead into /proc, /sys or /dev are refused, and so is a final symlink leading to
   * nothing inside the root.
   *
   * @throws RootfsEscapeException if the symlinks lead somewhere no trust store belongs
   * @throws DanglingSymlinkException if the final component is a symlink and its target is missing
   */
  public Optional<ByteString> readTrustStore(String containerPath, long maxBytes)
      throws IOException {
    PathResolver.Resolution r = resolveIn(containerPath);
    if (r.unsafe().isPresent()) {
      throw new RootfsEscapeException("read " + containerPath + ": " + r.unsafe().get());
    }
    Optional<ByteString> content = readResolved(r, containerPath, maxBytes);
    if (content.isEmpty() && finalComponentIsSymlink(containerPath)) {
      throw new DanglingSymlinkException(containerPath, "/" + String.join("/", r.components()));
    }
    return content;
  }

  private boolean finalComponentIsSymlink(String containerPath) throws IOException {
    int slash = containerPath.lastIndexOf('/');
    String name = containerPath.substring(slash + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return false;
    }
    PathResolver.Resolution parent = resolveIn(containerPath.substring(0, slash + 1));
    return parent.exists()
        && lookup.lstat(parent.hostPath(hostRoot).resolve(name)).kind() == FileKind.SYMLINK;
  }

  /** True if the path resolves to an existing regular file. */
  public boolean isRegularFile(String containerPath) throws IOException {
    return kind(containerPath) == FileKind.REGULAR;
  }

  /** True if the path resolves to an existing directory. */
  public boolean isDirectory(String containerPath) throws IOException {
    return kind(containerPath) == FileKind.DIRECTORY;
  }

  /**
   * The entry names of a directory, sorted; empty if it is missing.
   *
   * @throws NotDirectoryException if it exists but is not a directory
   */
  public List<String> list(String containerDir) throws IOException {
    PathResolver.Resolution r = resolveIn(containerDir);
    if (!r.exists()) {
      return List.of();
    }
    if (lookup.lstat(r.hostPath(hostRoot)).kind() != FileKind.DIRECTORY) {
      throw new NotDirectoryException(containerDir);
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dir = DirectoryWalk.open(hostRoot, r.components())) {
      for (Path entry : dir) {
        names.add(entry.getFileName().toString());
      }
    }
    names.sort(null);
    return List.copyOf(names);
  }

  /**
   * True if the directory has an entry of this name, of any kind and without following it: what
   * {@link #list} would name, learned with one {@code lstat} instead of reading the whole directory
   * (on an overlayfs, a merge of every layer's listing). False if the directory is missing.
   *
   * @param name one path component: not empty, ".", ".." or containing '/' or NUL
   * @throws NotDirectoryException if {@code containerDir} exists but is not a directory
   */
  public boolean hasEntry(String containerDir, String name) throws IOException {
    return entry(containerDir, name).kind() != FileKind.MISSING;
  }

  /**
   * The target of the directory's entry {@code name} when that entry is a symlink (not followed);
   * empty for any other kind or a missing entry. Checks as {@link #hasEntry}.
   */
  public Optional<String> linkTarget(String containerDir, String name) throws IOException {
    return entry(containerDir, name).linkTarget();
  }

  private Lookup.Node entry(String containerDir, String name) throws IOException {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a single path component: \"" + name + "\"");
    }
    PathResolver.Resolution r = resolveIn(containerDir);
    if (!r.exists()) {
      return Lookup.Node.MISSING;
    }
    Path dir = r.hostPath(hostRoot);
    if (lookup.lstat(dir).kind() != FileKind.DIRECTORY) {
      throw new NotDirectoryException(containerDir);
    }
    return lookup.lstat(dir.resolve(name));
  }

  /**
   * Replaces a file atomically (temp file in the same directory, then rename). A symlinked target
   * is resolved inside the root and the file it names is replaced, keeping its mode and owner. A
   * new file gets {@code newFileMode} and the owner of this process (root in production); its
   * parent directory must exist. A root opened {@link #openForInjection for one injection} answers
   * later reads of the file with {@code content} itself.
   *
   * @throws NotRegularFileException if the target is a directory, FIFO, socket or device
   */
  public void writeAtomically(
      String containerPath, ByteString content, Set<PosixFilePermission> newFileMode)
      throws IOException {
    PathResolver.Resolution r = resolveIn(containerPath);
    List<String> components = r.components();
    if (components.isEmpty()) {
      throw new NotRegularFileException("write", containerPath, FileKind.DIRECTORY.label());
    }
    if (r.existing() < components.size() - 1) {
      throw new NoSuchFileException(containerPath, null, "write: parent directory is missing");
    }
    Path host = r.hostPath(hostRoot);
    try {
      List<String> parent = components.subList(0, components.size() - 1);
      directories.in(
          parent,
          dir -> {
            AtomicWriter.replaceFile(
                dir,
                PathResolver.hostPath(hostRoot, parent),
                components.getLast(),
                containerPath,
                content,
                newFileMode);
            return null;
          });
    } finally {
      lookup.forget(host);
    }
    lookup.rememberContent(host, content);
  }

  /**
   * Creates a directory and its missing parents (mode 0755), following existing symlinks inside the
   * root.
   *
   * @throws NotDirectoryException if the path or a component of it exists as another type
   */
  public void createDirectories(String containerPath) throws IOException {
    PathResolver.Resolution r = resolveIn(containerPath);
    List<String> components = r.components();
    try {
      for (int i = r.existing(); i < components.size(); i++) {
        Path host = PathResolver.hostPath(hostRoot, components.subList(0, i + 1));
        lookup.forget(host);
        Files.createDirectory(host, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
      }
    } finally {
      lookup.forget(r.hostPath(hostRoot));
    }
    if (FileKind.of(r.hostPath(hostRoot)) != FileKind.DIRECTORY) {
      throw new NotDirectoryException(containerPath);
    }
  }

  /**
   * Creates a symlink at {@code containerPath} (its final component is not followed) or replaces an
   * existing symlink atomically. {@code target} is stored verbatim and interpreted by the
   * container. A root opened {@link #openForInjection for one injection} makes a new link with one
   * {@code symlinkat} on its directory's descriptor, opened with {@code openat2} confined to the
   * root ({@link NativeDirs}); a name already taken is replaced as by any root.
   *
   * @throws RootfsEscapeException if a directory on the way was replaced by a symlink meanwhile
   * @throws java.nio.file.FileAlreadyExistsException if something other than a symlink is there
   */
  public void symlink(String containerPath, String target) throws IOException {
    symlinksIn(directoryOf(containerPath), List.of(new RootChange.Symlink(containerPath, target)));
  }

  /** The part of {@code containerPath} up to and with its last slash. */
  private static String directoryOf(String containerPath) {
    return containerPath.substring(0, containerPath.lastIndexOf('/') + 1);
  }

  /**
   * {@link #symlink} for links whose paths all lie directly in {@code directory}, in order: the
   * directory is resolved once for all of them. A link made in a directory changes no component of
   * that directory's own path, so one resolution serves the whole run; the final {@code symlinkat}
   * or rename of each is still relative to a descriptor reached without following symlinks. Each
   * link is checked when its turn comes, so a refused one leaves those before it made.
   */
  private void symlinksIn(String directory, List<RootChange.Symlink> links) throws IOException {
    PathResolver.Resolution parent = null;
    Path parentHost = null;
    for (RootChange.Symlink link : links) {
      String containerPath = link.containerPath();
      PathResolver.checkContainerPath(containerPath);
      if (link.target().isEmpty() || link.target().indexOf('\0') >= 0) {
        throw new IllegalArgumentException("symlink target must be non-empty without NUL");
      }
      String name = containerPath.substring(directory.length());
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        throw new RootfsEscapeException("symlink " + containerPath + ": no file name to create");
      }
      if (parent == null) {
        parent = resolveIn(directory);
        if (!parent.exists()) {
          throw new NoSuchFileException(
              containerPath, null, "symlink: parent directory is missing");
        }
        parentHost = parent.hostPath(hostRoot);
      }
      symlinkIn(parent.components(), parentHost, name, link);
    }
  }

  /** Makes {@code link}, named {@code name}, in the resolved directory {@code parent}. */
  private void symlinkIn(List<String> parent, Path parentHost, String name, RootChange.Symlink link)
      throws IOException {
    try {
      if (linkDirectories.symlink(parent, name, link.containerPath(), link.target())
          != NativeDirs.Result.CREATED) {
        directories.in(
            parent,
            dir -> {
              AtomicWriter.replaceSymlink(
                  dir, parentHost, name, link.containerPath(), link.target());
              return null;
            });
      }
    } finally {
      lookup.forget(parentHost.resolve(name));
    }
  }

  /**
   * Removes the file or symlink at {@code containerPath}: a symlink itself, never what it points
   * at. The directories above it are resolved inside the root as for {@link #writeAtomically}; the
   * final component is never followed, and the unlink is made through the parent's descriptor
   * reached with {@code O_NOFOLLOW}, so a parent swapped for a symlink meanwhile fails instead of
   * leading out of the root.
   *
   * @return true if something was removed, false if nothing was there (or a parent directory is
   *     missing)
   * @throws NotRegularFileException if a directory is there
   * @throws RootfsEscapeException for a relative path, a loop or a non-directory above the file
   */
  public boolean delete(String containerPath) throws IOException {
    PathResolver.checkContainerPath(containerPath);
    int slash = containerPath.lastIndexOf('/');
    String name = containerPath.substring(slash + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      // "/", "/etc/" or "/etc/..": only a directory resolves from such a path
      if (resolveIn(containerPath).exists()) {
        throw new NotRegularFileException("delete", containerPath, FileKind.DIRECTORY.label());
      }
      return false;
    }
    PathResolver.Resolution parent = resolveIn(containerPath.substring(0, slash + 1));
    try {
      return parent.exists() && deleteIn(parent.components(), name, containerPath);
    } finally {
      lookup.forget(parent.hostPath(hostRoot).resolve(name));
    }
  }

  private boolean deleteIn(List<String> parent, String name, String containerPath)
      throws IOException {
    try {
      return directories.in(parent, dir -> AtomicWriter.delete(dir, name, containerPath));
    } catch (NoSuchFileException e) {
      return false; // a directory above it is missing
    }
  }

  /**
   * Makes a recorded change ({@link RootChangeLog}, of another root of the same image) here, with
   * the same checks as the method that made it.
   */
  public void apply(RootChange change) throws IOException {
    switch (change) {
      case RootChange.Write w -> writeAtomically(w.containerPath(), w.content(), w.newFileMode());
      case RootChange.Directories d -> createDirectories(d.containerPath());
      case RootChange.Symlink l -> symlink(l.containerPath(), l.target());
      case RootChange.Delete rm -> delete(rm.containerPath());
    }
  }

  /**
   * Makes recorded changes in order, as {@link #apply} of each would. A run of links in one
   * directory (a bundle's hash links) resolves that directory once for the run instead of once per
   * link (docs/dev/enterprise-bundles.md, "What is left per CA: the hash links, and why they
   * stay").
   *
   * @throws IOException the first failure; the changes after it are not made
   */
  public void applyAll(List<RootChange> changes) throws IOException {
    int i = 0;
    while (i < changes.size()) {
      if (!(changes.get(i) instanceof RootChange.Symlink first)) {
        apply(changes.get(i++));
        continue;
      }
      String directory = directoryOf(first.containerPath());
      List<RootChange.Symlink> run = new ArrayList<>();
      run.add(first);
      while (++i < changes.size()
          && changes.get(i) instanceof RootChange.Symlink next
          && directory.equals(directoryOf(next.containerPath()))) {
        run.add(next);
      }
      symlinksIn(directory, run);
    }
  }

  private FileKind kind(String containerPath) throws IOException {
    PathResolver.Resolution r = resolveIn(containerPath);
    return r.exists() ? lookup.lstat(r.hostPath(hostRoot)).kind() : FileKind.MISSING;
  }

  /**
   * Reads at most {@code maxBytes}, in one array of the size the file had when it was stat'ed; a
   * file that grew since (or a pseudo file that reports no size) is read on, up to the cap.
   */
  private static ByteString readBounded(
      InputStream in, String containerPath, long statSize, long maxBytes) throws IOException {
    // a fresh array nobody else holds: wrapped, not copied
    return UnsafeByteOperations.unsafeWrap(readArray(in, containerPath, statSize, maxBytes));
  }

  private static byte[] readArray(
      InputStream in, String containerPath, long statSize, long maxBytes) throws IOException {
    int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16L);
    byte[] head = new byte[(int) Math.min(statSize, cap)];
    int n = in.readNBytes(head, 0, head.length);
    if (n < head.length) {
      return Arrays.copyOf(head, n);
    }
    byte[] rest = in.readNBytes(cap - n);
    if (in.read() != -1) {
      throw new FileTooLargeException(containerPath, maxBytes);
    }
    if (rest.length == 0) {
      return head;
    }
    byte[] content = Arrays.copyOf(head, n + rest.length);
    System.arraycopy(rest, 0, content, n, rest.length);
    return content;
  }
}
