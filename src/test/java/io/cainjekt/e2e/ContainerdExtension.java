// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives IT classes the JVM-wide {@link Containerd}: started on first use, stored in the root
 * extension context, closed (stopped) when the whole test run ends. Use it with
 * {@code @ExtendWith(ContainerdExtension.class)} and a {@code Containerd} parameter.
 */
public final class ContainerdExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ContainerdExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Containerd.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  /** The shared instance, started on first call. */
  public static Containerd shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Containerd.class, k -> Containerd.start(basedir()), Containerd.class);
  }

  private static Path basedir() {
    return Path.of(System.getProperty("cainjekt.basedir", System.getProperty("user.dir")))
        .toAbsolutePath();
  }
}
