// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.rootfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * A random tree of directories, files and symlinks (absolute, relative, with {@code ..}, loops,
 * dangling) for property tests. Entries are only ever created below directories this class made, so
 * building the fixture never follows one of its own symlinks out of the root.
 */
record RandomTree(List<Node> nodes) {

  static final List<String> NAMES = List.of("a", "b", "c", "d");

  enum Kind {
    DIRECTORY,
    FILE,
    SYMLINK
  }

  /** One entry: below the {@code parentPick}-th directory made so far. */
  record Node(int parentPick, String name, Kind kind, String target) {}

  static Arbitrary<RandomTree> trees() {
    Arbitrary<Node> node =
        Combinators.combine(
                Arbitraries.integers().between(0, 20),
                Arbitraries.of(NAMES),
                Arbitraries.of(Kind.class),
                linkTargets())
            .as(Node::new);
    return node.list().ofMinSize(1).ofMaxSize(25).map(RandomTree::new);
  }

  /** Symlink targets: absolute or relative token paths, possibly with a trailing slash. */
  static Arbitrary<String> linkTargets() {
    Arbitrary<String> token = Arbitraries.of("a", "b", "c", "d", "..", ".", "..", "a");
    Arbitrary<String> relative =
        token.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
    return Combinators.combine(
            Arbitraries.of("", "/", "/", ""), relative, Arbitraries.of("", "", "", "/"))
        .as((prefix, body, suffix) -> prefix + body + suffix);
  }

  /** Absolute container paths made of the tree's names, {@code ..} and {@code .}. */
  static Arbitrary<String> containerPaths() {
    Arbitrary<String> token = Arbitraries.of("a", "b", "c", "d", "..", ".", "a", "b");
    return Combinators.combine(
            token.list().ofMinSize(0).ofMaxSize(5), Arbitraries.of("", "", "", "/"))
        .as((tokens, suffix) -> "/" + String.join("/", tokens) + (tokens.isEmpty() ? "" : suffix));
  }

  void build(Path root) throws IOException {
    List<Path> dirs = new ArrayList<>(List.of(root));
    for (Node n : nodes) {
      Path path = dirs.get(n.parentPick() % dirs.size()).resolve(n.name());
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      switch (n.kind()) {
        case DIRECTORY -> {
          Files.createDirectory(path);
          dirs.add(path);
        }
        case FILE -> Files.writeString(path, n.name(), StandardCharsets.UTF_8);
        case SYMLINK -> Files.createSymbolicLink(path, Path.of(n.target()));
      }
    }
  }
}
