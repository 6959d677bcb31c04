// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

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
 * @param runAsUser the uid the container's processes run as (empty: the image's user)
 * @param addCapabilities capabilities added to the runtime's default set (securityContext
 *     capabilities.add, names without the CAP_ prefix)
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
    Map<String, String> annotations,
    OptionalLong runAsUser,
    List<String> addCapabilities) {

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
    Objects.requireNonNull(runAsUser, "runAsUser");
    addCapabilities = List.copyOf(addCapabilities);
  }

  /** A container running the image's own entrypoint, nothing else set. */
  public static ContainerSpec of(String name, String image) {
    return new ContainerSpec(
        name,
        image,
        List.of(),
        List.of(),
        Map.of(),
        List.of(),
        false,
        Map.of(),
        Map.of(),
        OptionalLong.empty(),
        List.of());
  }

  public ContainerSpec withCommand(String... newCommand) {
    return with(d -> d.command = List.of(newCommand));
  }

  public ContainerSpec withArgs(String... newArgs) {
    return with(d -> d.args = List.of(newArgs));
  }

  public ContainerSpec withEnv(Map<String, String> newEnv) {
    return with(d -> d.env = newEnv);
  }

  public ContainerSpec withMount(Path hostPath, String containerPath, boolean readonly) {
    List<MountSpec> more = new ArrayList<>(mounts);
    more.add(new MountSpec(hostPath, containerPath, readonly));
    return with(d -> d.mounts = more);
  }

  public ContainerSpec withReadonlyRootfs(boolean readonly) {
    return with(d -> d.readonlyRootfs = readonly);
  }

  public ContainerSpec withLabels(Map<String, String> newLabels) {
    return with(d -> d.labels = newLabels);
  }

  public ContainerSpec withAnnotations(Map<String, String> newAnnotations) {
    return with(d -> d.annotations = newAnnotations);
  }

  /** Runs the container's processes (and every exec) as {@code uid}, like runAsUser. */
  public ContainerSpec withRunAsUser(long uid) {
    return with(d -> d.runAsUser = OptionalLong.of(uid));
  }

  /** Adds {@code names} (without the CAP_ prefix) to the runtime's default capabilities. */
  public ContainerSpec withAddCapabilities(String... names) {
    return with(d -> d.addCapabilities = List.of(names));
  }

  /** This spec with {@code change} applied to a mutable copy of its components. */
  private ContainerSpec with(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** The components of one spec while a {@code with*} method changes one of them. */
  private static final class Draft {
    private final String name;
    private final String image;
    private List<String> command;
    private List<String> args;
    private Map<String, String> env;
    private List<MountSpec> mounts;
    private boolean readonlyRootfs;
    private Map<String, String> labels;
    private Map<String, String> annotations;
    private OptionalLong runAsUser;
    private List<String> addCapabilities;

    Draft(ContainerSpec spec) {
      name = spec.name;
      image = spec.image;
      command = spec.command;
      args = spec.args;
      env = spec.env;
      mounts = spec.mounts;
      readonlyRootfs = spec.readonlyRootfs;
      labels = spec.labels;
      annotations = spec.annotations;
      runAsUser = spec.runAsUser;
      addCapabilities = spec.addCapabilities;
    }

    ContainerSpec build() {
      return new ContainerSpec(
          name,
          image,
          command,
          args,
          env,
          mounts,
          readonlyRootfs,
          labels,
          annotations,
          runAsUser,
          addCapabilities);
    }
  }
}
