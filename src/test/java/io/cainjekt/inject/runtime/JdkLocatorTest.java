// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.inject.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.cainjekt.inject.InjectionContext.Jdk;
import io.cainjekt.inject.os.DistroRoots;
import io.cainjekt.rootfs.RootFs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkLocatorTest {

  @TempDir Path root;

  void jdk(String home, String cacertsDir, String version) throws IOException {
    DistroRoots.write(root, home + "/bin/java", new byte[] {1});
    DistroRoots.write(root, home + "/release", ("JAVA_VERSION=\"" + version + "\"\n").getBytes());
    if (cacertsDir != null) {
      DistroRoots.write(root, home + "/" + cacertsDir + "/cacerts", new byte[] {2});
    }
  }

  List<Jdk> locate(Map<String, String> env) throws IOException {
    return JdkLocator.locate(RootFs.open(root), env);
  }

  @Test
  void findsTheUsualHomesWithTheirCacertsLayout() throws IOException {
    jdk("/opt/java/openjdk", "lib/security", "21.0.5");
    jdk("/usr/lib/jvm/java-8-openjdk-amd64", "jre/lib/security", "1.8.0_432");
    jdk("/usr/local/openjdk-11", "lib/security", "11.0.16");
    jdk("/usr/lib/jvm/jre-minimal", null, "17");
    assertThat(locate(Map.of()))
        .containsExactly(
            new Jdk(
                "/opt/java/openjdk",
                "21.0.5",
                Optional.of("/opt/java/openjdk/lib/security/cacerts")),
            new Jdk(
                "/usr/lib/jvm/java-8-openjdk-amd64",
                "1.8.0_432",
                Optional.of("/usr/lib/jvm/java-8-openjdk-amd64/jre/lib/security/cacerts")),
            new Jdk("/usr/lib/jvm/jre-minimal", "17", Optional.empty()),
            new Jdk(
                "/usr/local/openjdk-11",
                "11.0.16",
                Optional.of("/usr/local/openjdk-11/lib/security/cacerts")));
  }

  @Test
  void javaHomeComesFirstAndLinkedHomesAreReportedOnce() throws IOException {
    jdk("/usr/lib/jvm/java-17-openjdk-amd64", "lib/security", "17.0.13");
    DistroRoots.link(root, "/usr/lib/jvm/default-java", "java-17-openjdk-amd64");
    jdk("/srv/app/jre", "lib/security", "21");
    List<Jdk> jdks = locate(Map.of("JAVA_HOME", "/srv/app/jre"));
    assertThat(jdks)
        .extracting(Jdk::home)
        .containsExactly("/srv/app/jre", "/usr/lib/jvm/default-java");
  }

  @Test
  void hostileJavaHomeFindsNothingOutsideTheRoot() throws IOException {
    assertThat(locate(Map.of("JAVA_HOME", System.getProperty("java.home")))).isEmpty();
    assertThat(locate(Map.of("JAVA_HOME", "../../../../.."))).isEmpty();
  }
}
