// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.runtime;

import io.cainjekt.inject.Detection;
import io.cainjekt.inject.InjectionContext;
import io.cainjekt.inject.Outcome;
import io.cainjekt.inject.Processor;
import io.cainjekt.rootfs.RootFs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Detects one language runtime of the {@link LanguageRuntime} table for status.json; for Python
 * also the certifi bundles in site-packages (certifi users other than requests do not read the
 * environment). Changes nothing in the root: these runtimes pick the CAs up from the environment of
 * docs/architecture.md, "What a container sees" and the OS store. Thread-safe (stateless).
 */
public final class LanguageRuntimeProcessor implements Processor {

  /** PATH when the container sets none (the OCI default). */
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private static final int MAX_PATH_ENTRIES = 32;
  private static final List<String> PYTHON_LIBS = List.of("/usr/lib", "/usr/local/lib");

  private final LanguageRuntime runtime;

  public LanguageRuntimeProcessor(LanguageRuntime runtime) {
    this.runtime = runtime;
  }

  /** One processor per entry of {@link LanguageRuntime#TABLE}. */
  public static List<Processor> all() {
    return LanguageRuntime.TABLE.stream().<Processor>map(LanguageRuntimeProcessor::new).toList();
  }

  @Override
  public String id() {
    return runtime.id();
  }

  @Override
  public int priority() {
    return 300;
  }

  @Override
  public Detection detect(InjectionContext context) throws IOException {
    List<String> found = executables(context);
    if (found.isEmpty()) {
      return Detection.absent("no " + runtime.name() + " executable found");
    }
    String detail = runtime.coverage();
    if (runtime.name().equals("python")) {
      List<String> certifi = certifiBundles(context.root());
      if (!certifi.isEmpty()) {
        detail += "; certifi bundles (not changed): " + String.join(", ", certifi);
      }
    }
    context.runtime(new InjectionContext.Runtime(runtime.name(), found.getFirst(), detail));
    return Detection.found(runtime.name() + " at " + found.getFirst());
  }

  @Override
  public Outcome apply(InjectionContext context) {
    return new Outcome.Skipped("detection only: " + runtime.coverage());
  }

  private List<String> executables(InjectionContext context) throws IOException {
    String path = context.containerEnv().getOrDefault("PATH", DEFAULT_PATH);
    Set<String> candidates = new LinkedHashSet<>();
    Arrays.stream(path.split(":"))
        .filter(dir -> dir.startsWith("/"))
        .limit(MAX_PATH_ENTRIES)
        .forEach(dir -> runtime.binaries().forEach(b -> candidates.add(dir + "/" + b)));
    candidates.addAll(runtime.extraPaths());
    List<String> found = new ArrayList<>();
    for (String candidate : candidates) {
      if (isFileInDirectory(context.root(), candidate)) {
        found.add(candidate);
      }
    }
    return found;
  }

  /**
   * True when the parent is a directory and the path a regular file; a file where a directory
   * should be (a PATH entry that is a file) is simply not a match.
   */
  private static boolean isFileInDirectory(RootFs root, String path) throws IOException {
    String parent = path.substring(0, path.lastIndexOf('/'));
    return (parent.isEmpty() || root.isDirectory(parent)) && root.isRegularFile(path);
  }

  /** {@code <lib>/python3*}/{site,dist}-packages/certifi/cacert.pem that exist. */
  static List<String> certifiBundles(RootFs root) throws IOException {
    List<String> bundles = new ArrayList<>();
    for (String lib : PYTHON_LIBS) {
      for (String python : root.isDirectory(lib) ? root.list(lib) : List.<String>of()) {
        if (!python.startsWith("python3")) {
          continue;
        }
        for (String packages : List.of("site-packages", "dist-packages")) {
          String bundle = lib + "/" + python + "/" + packages + "/certifi/cacert.pem";
          if (root.isDirectory(lib + "/" + python + "/" + packages)
              && isFileInDirectory(root, bundle)) {
            bundles.add(bundle);
          }
        }
      }
    }
    return bundles;
  }
}
