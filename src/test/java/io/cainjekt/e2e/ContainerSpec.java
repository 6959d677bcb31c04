// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What kubelet puts into CreateContainer. Build with {@link #of(String, String)} and the {@code
 * with*} methods; every instance is immutable.
 *
 * @param name container name
 * @param image fully qualified image name, e.g. {@link Containerd#BUSYBOX}
 * @param command entrypoint override (empty: the image's)
 * @param args arguments (empty: the image's)
 * @param env environment, in order
 * @param mounts bind mounts
 * @param readonlyRootfs read-only root filesystem
 * @param labels container labels
 * @param annotations container annotations
 */
public record ContainerSpec(
    String name,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    List<MountSpec> mounts,
    boolean readonlyRootfs,
    Map<String, String> labels,
    Map<String, String> annotations) {

  /** A bind mount of {@code hostPath} at {@code containerPath}. */
  public record MountSpec(Path hostPath, String containerPath, boolean readonly) {}

  public ContainerSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    command = List.copyOf(command);
    args = List.copyOf(args);
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    mounts = List.copyOf(mounts);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  /** A container running the image's own entrypoint, nothing else set. */
  public static ContainerSpec of(String name, String image) {
    return new ContainerSpec(
        name, image, List.of(), List.of(), Map.of(), List.of(), false, Map.of(), Map.of());
  }

  public ContainerSpec withCommand(String... newCommand) {
    return new ContainerSpec(
        name, image, List.of(newCommand), args, env, mounts, readonlyRootfs, labels, annotations);
  }

  public ContainerSpec withArgs(String... newArgs) {
    return new ContainerSpec(
        name, image, command, List.of(newArgs), env, mounts, readonlyRootfs, labels, annotations);
  }

  public ContainerSpec withEnv(Map<String, String> newEnv) {
    return new ContainerSpec(
        name, image, command, args, newEnv, mounts, readonlyRootfs, labels, annotations);
  }

  public ContainerSpec withMount(Path hostPath, String containerPath, boolean readonly) {
    List<MountSpec> more = new java.util.ArrayList<>(mounts);
    more.add(new MountSpec(hostPath, containerPath, readonly));
    return new ContainerSpec(
        name, image, command, args, env, more, readonlyRootfs, labels, annotations);
  }

  public ContainerSpec withReadonlyRootfs(boolean readonly) {
    return new ContainerSpec(
        name, image, command, args, env, mounts, readonly, labels, annotations);
  }

  public ContainerSpec withLabels(Map<String, String> newLabels) {
    return new ContainerSpec(
        name, image, command, args, env, mounts, readonlyRootfs, newLabels, annotations);
  }

  public ContainerSpec withAnnotations(Map<String, String> newAnnotations) {
    return new ContainerSpec(
        name, image, command, args, env, mounts, readonlyRootfs, labels, newAnnotations);
  }
}
