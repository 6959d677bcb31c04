// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The three Linux system calls the JDK does not offer, called through the foreign function API:
 * {@code openat2} (by {@code syscall}, glibc and musl have no wrapper in common), {@code symlinkat}
 * and {@code close}. Each returns what the call returned, or minus its {@code errno}. The numbers
 * are those of the generic Linux ABI, the same on x86_64 and aarch64. If the C library's symbols
 * cannot be bound, {@link #AVAILABLE} is false and no call may be made. Thread-safe (stateless).
 */
final class LinuxCalls {

  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EAGAIN = 11;
  static final int EACCES = 13;
  static final int EEXIST = 17;
  static final int ENOTDIR = 20;
  static final int ENOSPC = 28;
  static final int EROFS = 30;
  static final int ENOSYS = 38;
  static final int ELOOP = 40;
  static final int EDQUOT = 122;

  static final int AT_FDCWD = -100;

  /** {@code O_PATH | O_CLOEXEC}: a descriptor to name a directory by, same value on both ABIs. */
  static final long O_PATH_CLOEXEC = 010000000L | 02000000L;

  static final long RESOLVE_NO_MAGICLINKS = 0x02;
  static final long RESOLVE_NO_SYMLINKS = 0x04;
  static final long RESOLVE_IN_ROOT = 0x10;

  private static final long SYS_OPENAT2 = 437;

  /** {@code struct open_how}: flags, mode, resolve, each a {@code __u64}. */
  private static final StructLayout OPEN_HOW =
      MemoryLayout.structLayout(
          ValueLayout.JAVA_LONG.withName("flags"),
          ValueLayout.JAVA_LONG.withName("mode"),
          ValueLayout.JAVA_LONG.withName("resolve"));

  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle SYSCALL_OPENAT2;
  private static final MethodHandle SYMLINKAT;
  private static final MethodHandle CLOSE;

  /** False if the C library could not be bound; then the callers take the JDK's way. */
  static final boolean AVAILABLE;

  static {
    MethodHandle openat2 = null;
    MethodHandle symlinkat = null;
    MethodHandle close = null;
    try {
      Linker.Option errno = Linker.Option.captureCallState("errno");
      // long syscall(long number, ...): every variadic argument passed as a long
      openat2 =
          downcall(
              "syscall",
              FunctionDescriptor.of(
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS,
                  ValueLayout.JAVA_LONG),
              Linker.Option.firstVariadicArg(1),
              errno);
      symlinkat =
          downcall(
              "symlinkat",
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT,
                  ValueLayout.ADDRESS,
                  ValueLayout.JAVA_INT,
                  ValueLayout.ADDRESS),
              errno);
      close =
          downcall(
              "close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), errno);
    } catch (RuntimeException ignored) {
      // no native linker on this platform, or native access denied: AVAILABLE stays false
      openat2 = null;
    }
    SYSCALL_OPENAT2 = openat2;
    SYMLINKAT = symlinkat;
    CLOSE = close;
    AVAILABLE = openat2 != null;
  }

  private LinuxCalls() {}

  /**
   * {@code openat2(dirfd, path, {flags, 0, resolve})}.
   *
   * @return the new descriptor, or minus the errno
   */
  static int openat2(int dirfd, String path, long flags, long resolve) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment how = arena.allocate(OPEN_HOW);
      how.set(ValueLayout.JAVA_LONG, 0, flags);
      how.set(ValueLayout.JAVA_LONG, 16, resolve);
      long fd =
          (long)
              SYSCALL_OPENAT2.invokeExact(
                  state,
                  SYS_OPENAT2,
                  (long) dirfd,
                  arena.allocateFrom(path),
                  how,
                  OPEN_HOW.byteSize());
      return fd < 0 ? -errno(state) : (int) fd;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /**
   * {@code symlinkat(target, dirfd, name)}: a symlink {@code name} in {@code dirfd} holding {@code
   * target}.
   *
   * @return 0, or minus the errno
   */
  static int symlinkat(String target, int dirfd, String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int result =
          (int)
              SYMLINKAT.invokeExact(
                  state, arena.allocateFrom(target), dirfd, arena.allocateFrom(name));
      return result < 0 ? -errno(state) : result;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /**
   * {@code close(fd)}.
   *
   * @return 0, or minus the errno
   */
  static int close(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int result = (int) CLOSE.invokeExact(state, fd);
      return result < 0 ? -errno(state) : result;
    } catch (Throwable e) {
      throw unexpected(e);
    }
  }

  /** The errno's symbolic name, for messages; the number for one not listed here. */
  static String name(int errno) {
    return switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case EAGAIN -> "EAGAIN";
      case EACCES -> "EACCES";
      case EEXIST -> "EEXIST";
      case ENOTDIR -> "ENOTDIR";
      case ENOSPC -> "ENOSPC";
      case EROFS -> "EROFS";
      case ENOSYS -> "ENOSYS";
      case ELOOP -> "ELOOP";
      case EDQUOT -> "EDQUOT";
      default -> "errno " + errno;
    };
  }

  /**
   * A handle on the C library's {@code function}. Restricted: the launchers enable native access
   * for the class path (bin/jvm.options, the jar's manifest), and the descriptors above match the C
   * prototypes.
   */
  @SuppressWarnings("restricted")
  private static MethodHandle downcall(
      String function, FunctionDescriptor descriptor, Linker.Option... options) {
    Linker linker = Linker.nativeLinker();
    return linker.downcallHandle(linker.defaultLookup().findOrThrow(function), descriptor, options);
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  /** A downcall throws nothing of its own: anything caught is a bug of the binding. */
  private static RuntimeException unexpected(Throwable e) {
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new IllegalStateException("native call failed", e);
  }
}
