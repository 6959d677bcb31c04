// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.daemon;

import io.cainjekt.inject.Caches;
import io.cainjekt.inject.os.Distro;
import io.cainjekt.nri.Adjustment;
import io.cainjekt.nri.ContainerInfo;
import io.cainjekt.nri.ContainerState;
import io.cainjekt.nri.PodInfo;
import io.cainjekt.observe.LogFormat;
import io.cainjekt.observe.LogSetup;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The plugin's NRI handlers in process, warm, with production components: CreateContainer (policy,
 * staging of the safe defaults, the adjustment) and StartContainer (root lookup in the real
 * mountinfo, the standard pipeline on a real e2e image, restaging). Every StartContainer sees a
 * fresh overlayfs mount of the image, made like containerd does and found where containerd mounts
 * it ({@code <state>/io.containerd.runtime.v2.task/k8s.io/<id>/rootfs}); staging and the overlay's
 * upper layer live on a private tmpfs, as /run does on a node. Needs root (mount) and the e2e image
 * cache ({@code e2e/images/build.sh}). Run: {@code ./mvnw -q -DskipTests test-compile
 * exec:exec@jmh} (docs/performance.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
// the plugin's own JVM options, under the chart's memory limit
@Fork(
    value = 1,
    jvmArgs = {"@bin/jvm.options", "-XX:MaxRAM=256m"})
public class HandlerBenchmark {

  /** The e2e image whose root the pipeline runs on. */
  @Param({"debian-tls", "alpine-tls", "rhel-tls", "suse-tls", "arch-tls"})
  public String image;

  /**
   * CAs in the plugin's bundle: 1 is the corp CA fixture alone (the figures of
   * docs/performance.md); the scaling run passes {@code -p cas=1,10,100,300,1000} ({@link
   * BenchBundle}).
   */
  @Param({"1"})
  public int cas;

  /**
   * Caches switched off ({@link Caches#without}): "none", or names of {@link Caches#NAMES} joined
   * by "+". Measures what each cache buys in the same run, e.g. {@code -p off=none,trust,plans}.
   */
  @Param({"none"})
  public String off;

  private static final Map<String, String> OPTED_IN = Map.of("cainjekt.io/enabled", "true");
  private static final PodInfo OPTED_IN_POD =
      new PodInfo("pod1", "bench", "uid-1", "default", Map.of(), OPTED_IN, "", 0);
  private static final PodInfo PLAIN_POD =
      new PodInfo("pod2", "plain", "uid-2", "default", Map.of(), Map.of(), "", 0);

  private final AtomicLong ids = new AtomicLong();
  private Path work;
  private OutputStream log;
  private Path lower;
  private HandlerFixture fixture;
  private InjectionHandlers handlers;
  private String id;
  private Path mountPoint;

  @Setup(Level.Trial)
  public void start() throws Exception {
    Path basedir = Path.of(System.getProperty("user.dir"));
    lower = BenchRoots.rootfs(basedir, image);
    work = Files.createTempDirectory("cainjekt-bench");
    BenchRoots.run("mount", "-t", "tmpfs", "-o", "size=1g", "tmpfs", work.toString());
    // the handlers log as the plugin does (an asynchronous appender); lines go to the tmpfs, not
    // through JMH's link to its host process, which made every line a frame written in the call
    log = new FileOutputStream(work.resolve("plugin.log").toFile());
    LogSetup.configure(LogFormat.TEXT, "info", log);
    Caches caches =
        off.equals("none") ? Caches.standard() : Caches.without(Set.of(off.split("\\+")));
    fixture = HandlerFixture.onHost(work, BenchBundle.of(cas, basedir), caches);
    handlers =
        fixture.handlers(
            FailPolicy.OPEN,
            Optional.empty(),
            LateStarters.Means.standard(
                (id, reason) ->
                    CompletableFuture.failedFuture(
                        new IllegalStateException("no runtime in the benchmark"))));
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    fixture.close();
    LogSetup.stop();
    log.close();
    BenchRoots.run("umount", "-l", work.toString());
    Files.deleteIfExists(work);
  }

  /** A new container id for every invocation, like the runtime gives. */
  @Setup(Level.Invocation)
  public void nextContainer() {
    id = HexFormat.of().toHexDigits(ids.incrementAndGet()) + "0".repeat(48);
  }

  /**
   * CreateContainer of an opted-in container: staging links the bundle's staged defaults, which it
   * keeps while no container links them (inject.Staging#keep), so only the first call writes them.
   */
  @Benchmark
  public Adjustment createContainerOptedIn() throws Exception {
    return handlers.createContainer(OPTED_IN_POD, container(id, 0));
  }

  @Benchmark
  public Adjustment createContainerNotOptedIn() throws Exception {
    return handlers.createContainer(PLAIN_POD, container(id, 0));
  }

  /**
   * StartContainer of a container staged at CreateContainer, on a fresh overlay of the image: after
   * the first, a replay of the image's plan (inject.PlanMemo), as for every container of an image
   * already seen on the node.
   */
  @Benchmark
  public String startContainerOptedIn(StartState s) throws Exception {
    return start(s);
  }

  /**
   * The same for the first container of an image: the overlay gets an extra empty lower layer of
   * its own, so its layers are new to the plugin and the whole pipeline runs.
   */
  @Benchmark
  public String startContainerFirstOfImage(FirstOfImageState s) throws Exception {
    return start(s);
  }

  private String start(StartState s) throws Exception {
    long cpu = threadCpuNanos();
    handlers.startContainer(OPTED_IN_POD, container(s.id, 1));
    if (s.measuring) {
      s.cpuNanos.add(threadCpuNanos() - cpu);
    }
    return s.id;
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * The CPU time of the JVM's threads so far, to the nanosecond (the process figure counts in ticks
   * of 10 ms): less moved than latency by other load on a shared machine.
   */
  private static long threadCpuNanos() {
    long total = 0;
    for (long t : THREADS.getThreadCpuTime(THREADS.getAllThreadIds())) {
      total += Math.max(t, 0);
    }
    return total;
  }

  /** {@link StartState} with a lower layer the plugin has not seen. */
  @State(Scope.Thread)
  public static class FirstOfImageState extends StartState {
    @Override
    String lowerdir(HandlerBenchmark b, Path task) throws IOException {
      return Files.createDirectories(task.resolve("new-layer")) + ":" + b.lower;
    }
  }

  /**
   * The same for the first container of an image the node has not seen before: besides the new
   * layer, its OS bundles and Java stores hold bytes the plugin has never read (the image's own
   * with one comment line more; its Java stores with a new entry date), so nothing of the image's
   * content is memoized and the pipeline parses the bundles and stores. The CAs in them are the
   * same, as in a real image of the same distribution.
   */
  @Benchmark
  public String startContainerNewImage(NewImageState s) throws Exception {
    return start(s);
  }

  /** {@link FirstOfImageState} whose new layer also holds new bytes of the image's trust files. */
  @State(Scope.Thread)
  public static class NewImageState extends StartState {
    private final AtomicLong images = new AtomicLong();

    @Override
    String lowerdir(HandlerBenchmark b, Path task) throws IOException {
      Path layer = Files.createDirectories(task.resolve("new-layer"));
      long image = images.incrementAndGet();
      for (Distro d : Distro.TABLE) {
        for (String bundle : d.bundleFiles()) {
          copyChanged(b.lower, layer, bundle, bytes -> withComment(bytes, image));
        }
        for (String store : d.javaStores()) {
          copyChanged(b.lower, layer, store, bytes -> storedAgain(bytes, image));
        }
      }
      return layer + ":" + b.lower;
    }

    /** The image's regular file at {@code path}, changed, into the same path of {@code layer}. */
    private static void copyChanged(
        Path lower, Path layer, String path, Function<byte[], byte[]> change) throws IOException {
      Path original = lower.resolve(path.substring(1));
      Path copy = layer.resolve(path.substring(1));
      if (Files.isRegularFile(original, LinkOption.NOFOLLOW_LINKS) && !Files.exists(copy)) {
        Files.createDirectories(copy.getParent());
        Files.write(copy, change.apply(Files.readAllBytes(original)));
      }
    }

    private static byte[] withComment(byte[] pem, long image) {
      byte[] comment = ("# bench image " + image + "\n").getBytes(StandardCharsets.US_ASCII);
      byte[] out = Arrays.copyOf(pem, pem.length + comment.length);
      System.arraycopy(comment, 0, out, pem.length, comment.length);
      return out;
    }

    /**
     * The keystore with a new creation date on its first entry (the image's number added) and the
     * integrity digest computed again: same certificates, new bytes. Patched in place rather than
     * loaded and stored with {@link KeyStore}, whose parse of every certificate made several MiB of
     * garbage per invocation in this JVM and so moved collections into the measured calls.
     */
    private static byte[] storedAgain(byte[] keystore, long image) {
      byte[] out = keystore.clone();
      ByteBuffer bytes = ByteBuffer.wrap(out);
      if (bytes.getInt(0) != JKS_MAGIC || bytes.getInt(4) != 2 || bytes.getInt(12) != 2) {
        throw new IllegalStateException("not a version-2 JKS starting with a trusted certificate");
      }
      int date = 12 + 4 + 2 + Short.toUnsignedInt(bytes.getShort(16));
      bytes.putLong(date, bytes.getLong(date) + image);
      int body = out.length - JKS_DIGEST_BYTES;
      System.arraycopy(jksDigest(out, body), 0, out, body, JKS_DIGEST_BYTES);
      return out;
    }

    /** JKS's integrity digest: SHA-1 of the password's UTF-16 bytes, a salt phrase, the body. */
    static byte[] jksDigest(byte[] keystore, int body) {
      try {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(STORE_PASSWORD.getBytes(StandardCharsets.UTF_16BE));
        sha1.update("Mighty Aphrodite".getBytes(StandardCharsets.UTF_8));
        sha1.update(keystore, 0, body);
        return sha1.digest();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private static final int JKS_MAGIC = 0xfeedfeed;
    private static final int JKS_DIGEST_BYTES = 20;
    private static final String STORE_PASSWORD = "changeit";

    /** Once per trial: the patched store still loads with its password and the same entries. */
    @Setup(Level.Trial)
    public void checkPatchedStores(HandlerBenchmark b) throws Exception {
      for (Distro d : Distro.TABLE) {
        for (String store : d.javaStores()) {
          Path original = b.lower.resolve(store.substring(1));
          if (Files.isRegularFile(original, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = Files.readAllBytes(original);
            KeyStore before = KeyStore.getInstance("JKS");
            before.load(new ByteArrayInputStream(bytes), null);
            KeyStore after = KeyStore.getInstance("JKS");
            after.load(
                new ByteArrayInputStream(storedAgain(bytes, 1)), STORE_PASSWORD.toCharArray());
            if (Collections.list(before.aliases()).size() != after.size()) {
              throw new IllegalStateException("patched " + store + " lost entries");
            }
          }
        }
      }
    }
  }

  /** Per invocation: the container's rootfs mount and its CreateContainer, outside the timing. */
  @State(Scope.Thread)
  public static class StartState {
    String id;
    Path rootfs;
    final List<Long> cpuNanos = new ArrayList<>();
    boolean measuring;

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
      measuring = params.getType() == IterationType.MEASUREMENT;
    }

    /**
     * Appends the CPU time per StartContainer (all of the JVM's threads, in the call) to {@code
     * target/bench/cpu.tsv}: state, caches off, calls, p50, p90, p99, mean in ms.
     */
    @TearDown(Level.Trial)
    public void writeCpu(HandlerBenchmark b) throws IOException {
      List<Long> sorted = cpuNanos.stream().sorted().toList();
      if (sorted.isEmpty()) {
        return;
      }
      Path out = Path.of(System.getProperty("user.dir"), "target", "bench", "cpu.tsv");
      Files.createDirectories(out.getParent());
      String line =
          String.join(
                  "\t",
                  getClass().getSimpleName(),
                  b.image,
                  b.off,
                  String.valueOf(sorted.size()),
                  ms(sorted.get(sorted.size() / 2)),
                  ms(sorted.get(sorted.size() * 9 / 10)),
                  ms(sorted.get(sorted.size() * 99 / 100)),
                  ms((long) sorted.stream().mapToLong(Long::longValue).average().orElse(0)))
              + "\n";
      Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String ms(long nanos) {
      return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
    }

    /** The overlay's lower layers. */
    String lowerdir(HandlerBenchmark b, Path task) throws IOException {
      return b.lower.toString();
    }

    @Setup(Level.Invocation)
    public void mountAndCreate(HandlerBenchmark b) throws Exception {
      id = b.id;
      Path task = b.work.resolve("state/io.containerd.runtime.v2.task/k8s.io").resolve(id);
      rootfs = task.resolve("rootfs");
      Files.createDirectories(rootfs);
      Files.createDirectories(task.resolve("upper"));
      Files.createDirectories(task.resolve("work"));
      BenchRoots.run(
          "mount",
          "-t",
          "overlay",
          "overlay",
          "-o",
          "lowerdir="
              + lowerdir(b, task)
              + ",upperdir="
              + task.resolve("upper")
              + ",workdir="
              + task.resolve("work"),
          rootfs.toString());
      b.handlers.createContainer(OPTED_IN_POD, container(id, 0));
    }

    @TearDown(Level.Invocation)
    public void removeAndUnmount(HandlerBenchmark b) throws Exception {
      b.handlers.removeContainer(OPTED_IN_POD, container(id, 0));
      BenchRoots.run("umount", rootfs.toString());
      BenchRoots.run("rm", "-rf", rootfs.getParent().toString());
    }
  }

  /** Releases what CreateContainer staged, so staging stays as small as on a node. */
  @TearDown(Level.Invocation)
  public void release() {
    handlers.removeContainer(OPTED_IN_POD, container(id, 0));
  }

  private static ContainerInfo container(String id, int pid) {
    return new ContainerInfo(
        id,
        "pod1",
        "app",
        ContainerState.CREATED,
        pid,
        List.of("sleep"),
        List.of("PATH=/usr/bin:/bin"),
        List.of(),
        Map.of(),
        Map.of());
  }
}
