# SPDX-License-Identifier: Apache-2.0
# cainjekt image: the shaded jar on a jlink'd Java 25 runtime holding only the modules it uses,
# with a JDK 25 AOT cache (JEP 483/514) for fast start. Build from the repository root:
#
#   docker build -t cainjekt:dev .
#
# Offline, with Debian's buildah and locally made base images: deploy/image/build.sh.
#
# Stage 1 builds the jar with the Maven wrapper and links the runtime with deploy/image/jlink.sh
# (the script the JlinkRuntimeIT test runs locally). Stage 2 is debian slim with that runtime; the
# AOT cache is trained there, because it is only valid for the jar at the same path, size and
# mtime. Sizes and start times measured locally are in docs/install.md.
ARG JDK_IMAGE=eclipse-temurin:25-jdk
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${JDK_IMAGE} AS build
WORKDIR /src
# dependencies first, so source edits reuse this layer
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY bin/ bin/
# (go-offline also resolves artifacts the build never uses, and one of them is not on Central)
RUN ./mvnw -B -q dependency:resolve dependency:resolve-plugins
COPY src/ src/
# no tests here: their sources need the e2e harness (e2e/cri-proto.sh), which the image leaves out
RUN ./mvnw -B -q -Dmaven.test.skip=true -Dexec.skip=true -Dspotless.check.skip package
COPY deploy/image/jlink.sh deploy/image/jlink.sh
RUN bash deploy/image/jlink.sh --jar target/cainjekt.jar --output /out/java --aot none \
 && cp target/cainjekt.jar /out/cainjekt.jar

FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="cainjekt" \
      org.opencontainers.image.description="containerd NRI plugin injecting enterprise CAs into opted-in containers" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/java /opt/java
COPY --from=build /out/cainjekt.jar /opt/cainjekt/cainjekt.jar
COPY bin/jvm.options /opt/cainjekt/jvm.options
COPY deploy/image/cainjekt /usr/local/bin/cainjekt
# Train the AOT cache on the final paths with the same JVM options (the cache is only used by a
# JVM whose GC and paths match the training run).
RUN ["/opt/java/bin/java", "@/opt/cainjekt/jvm.options", "-XX:AOTCacheOutput=/opt/cainjekt/cainjekt.aot", \
     "-jar", "/opt/cainjekt/cainjekt.jar", "--help"]
# The plugin writes into other containers' roots (owned by root) and needs uid 0 plus the few
# capabilities the chart adds (docs/security.md); everything else is dropped by the pod spec.
USER 0:0
# JVM options (GC, heap, no hsperfdata for the read-only root file system): bin/jvm.options.
# deploy/image/cainjekt is the one java command line: the ENTRYPOINT, and the `cainjekt` command
# on PATH for `kubectl exec ... -- cainjekt inspect`.
ENTRYPOINT ["/usr/local/bin/cainjekt"]
CMD ["run"]
