// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a new symlink with one {@code symlinkat} on an {@code O_PATH} descriptor of its directory,
 * kept open for one injection (docs/dev/enterprise-bundles.md, "Applied: hash links by one system
 * call"). Each directory is opened once with {@code openat2} from the root's descriptor, with
 * {@code RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS}: a component swapped for a
 * symlink since the path was resolved fails with {@code ELOOP} instead of leading out of the root,
 * as the {@code O_NOFOLLOW} walk of {@link DirectoryWalk} does. Where this cannot serve a link (a
 * name already taken, a kernel or seccomp profile without {@code openat2}, a closed or disabled
 * object, a path that is not ASCII) it says so and the caller takes the JDK's way. A kernel that
 * refuses {@code openat2} turns it off for the process. Thread-safe: descriptors are opened under
 * the object's monitor, and a read lock held across each {@code symlinkat} keeps {@link #close}
 * from closing a descriptor in use. Lock order: that read-write lock, then the monitor.
 */
final class NativeDirs implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NativeDirs.class);

  /** Set once the kernel (or a seccomp profile) refused {@code openat2}: it will not change. */
  private static final AtomicBoolean OPENAT2_REFUSED = new AtomicBoolean();

  private static final long CONFINED =
      LinuxCalls.RESOLVE_IN_ROOT
          | LinuxCalls.RESOLVE_NO_SYMLINKS
          | LinuxCalls.RESOLVE_NO_MAGICLINKS;

  private static final int NOT_KEPT = -1;

  /** What {@link #symlink} did. */
  enum Result {
    /** The link is made. */
    CREATED,
    /** Something has the name already; nothing was changed. */
    NAME_TAKEN,
    /** Not tried: take the JDK's way. */
    UNAVAILABLE
  }

  private final Path root;
  private final boolean enabled;
  private final ReadWriteLock closing = new ReentrantReadWriteLock();
  private final Map<List<String>, Integer> open = new HashMap<>();
  private int rootFd = NOT_KEPT;
  private boolean closed;

  private NativeDirs(Path root, boolean enabled) {
    this.root = root;
    this.enabled = enabled;
  }

  /** Descriptors below {@code root}, opened as needed and kept until {@link #close}. */
  static NativeDirs keptOpen(Path root) {
    return new NativeDirs(root, true);
  }

  /** Never makes a link: every {@link #symlink} answers {@link Result#UNAVAILABLE}. */
  static NativeDirs disabled(Path root) {
    return new NativeDirs(root, false);
  }

  /**
   * Makes a symlink {@code name} holding {@code target} in the directory {@code
   * root/components...}, if nothing has that name.
   *
   * @param components the directory's path below the root, resolved: no "..", no symlink
   * @throws RootfsEscapeException if a directory on the way is now a symlink
   * @throws NoSuchFileException if a directory on the way is missing now
   * @throws NotDirectoryException if one is not a directory now
   */
  Result symlink(List<String> components, String name, String containerPath, String target)
      throws IOException {
    if (!enabled
        || !LinuxCalls.AVAILABLE
        || OPENAT2_REFUSED.get()
        || !ascii(name)
        || !ascii(target)
        || !components.stream().allMatch(NativeDirs::ascii)) {
      return Result.UNAVAILABLE;
    }
    closing.readLock().lock();
    try {
      int dirFd = descriptor(components, containerPath);
      if (dirFd == NOT_KEPT) {
        return Result.UNAVAILABLE;
      }
      int result = LinuxCalls.symlinkat(target, dirFd, name);
      if (result == 0) {
        return Result.CREATED;
      }
      if (result == -LinuxCalls.EEXIST) {
        return Result.NAME_TAKEN;
      }
      throw failure(containerPath, "symlinkat", -result);
    } finally {
      closing.readLock().unlock();
    }
  }

  /** The directory's kept descriptor, opened now if needed; {@link #NOT_KEPT} if none. */
  private synchronized int descriptor(List<String> components, String containerPath)
      throws IOException {
    if (closed) {
      return NOT_KEPT;
    }
    if (rootFd == NOT_KEPT) {
      if (!ascii(root.toString())) {
        return NOT_KEPT;
      }
      // the host root itself is trusted and may be a magic link (/proc/<pid>/root): followed
      rootFd = openOrNotKept(LinuxCalls.AT_FDCWD, root.toString(), 0, containerPath);
      if (rootFd == NOT_KEPT) {
        return NOT_KEPT;
      }
    }
    if (components.isEmpty()) {
      return rootFd;
    }
    Integer known = open.get(components);
    if (known != null) {
      return known;
    }
    if (open.size() >= DirectoryWalk.MAX_KEPT_OPEN) {
      return NOT_KEPT;
    }
    int fd = openOrNotKept(rootFd, String.join("/", components), CONFINED, containerPath);
    if (fd != NOT_KEPT) {
      open.put(List.copyOf(components), fd);
    }
    return fd;
  }

  private static int openOrNotKept(int dirFd, String path, long resolve, String containerPath)
      throws IOException {
    int fd = LinuxCalls.openat2(dirFd, path, LinuxCalls.O_PATH_CLOEXEC, resolve);
    if (fd >= 0) {
      return fd;
    }
    int errno = -fd;
    if (errno == LinuxCalls.ENOSYS || errno == LinuxCalls.EPERM) {
      if (OPENAT2_REFUSED.compareAndSet(false, true)) {
        log.atDebug()
            .setMessage("rootfs: openat2 refused, hash links take the jdk's way")
            .addKeyValue("errno", LinuxCalls.name(errno))
            .log();
      }
      return NOT_KEPT;
    }
    if (errno == LinuxCalls.EAGAIN) {
      return NOT_KEPT; // a rename raced the confined lookup: the JDK's walk serves this one
    }
    throw failure(containerPath, "openat2", errno);
  }

  private static IOException failure(String containerPath, String call, int errno) {
    String why = call + " " + LinuxCalls.name(errno);
    return switch (errno) {
      case LinuxCalls.ENOENT ->
          new NoSuchFileException(containerPath, null, "symlink: a directory is missing: " + why);
      case LinuxCalls.ENOTDIR -> {
        NotDirectoryException e = new NotDirectoryException(containerPath);
        e.initCause(new IOException("symlink: a directory is not one: " + why));
        yield e;
      }
      case LinuxCalls.ELOOP ->
          new RootfsEscapeException(
              "symlink "
                  + containerPath
                  + ": its directory was replaced by a symlink while the plugin worked in it ("
                  + why
                  + ")");
      default -> new IOException("symlink " + containerPath + ": " + why);
    };
  }

  /**
   * True if {@code s} is ASCII, which C strings and the JDK's path encoding spell alike; other
   * names go the JDK's way so that they are encoded as every other path of the root is.
   */
  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Closes every descriptor; later {@link #symlink} calls answer {@link Result#UNAVAILABLE}. */
  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      synchronized (this) {
        closed = true;
        for (int fd : open.values()) {
          LinuxCalls.close(fd);
        }
        open.clear();
        if (rootFd != NOT_KEPT) {
          LinuxCalls.close(rootFd);
          rootFd = NOT_KEPT;
        }
      }
    } finally {
      closing.writeLock().unlock();
    }
  }
}
