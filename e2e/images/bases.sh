#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bases.sh: the two base images of the plugin's Dockerfile, made locally (no registry) and cached
# in ${CAINJEKT_E2E_CACHE:-/var/cache/cainjekt-e2e} like the test images (build.sh):
#   slim   debootstrap --variant=minbase bookworm, pruned     stand-in for debian:bookworm-slim
#   jdk25  slim + the host's JDK 25 at /opt/java/openjdk      stand-in for eclipse-temurin:25-jdk
# The JDK is the first JDK 25 bin/find-jdk finds (the one the build uses); its `release` file is
# part of jdk25's key with its trust store, so a JDK or CA update rebuilds it. stdout, one line per base:
#   name=<slim|jdk25> archive=<OCI tar> image=localhost/cainjekt-e2e/<name>:<key>
# deploy/image/build.sh passes the archives to the Dockerfile's BASE_IMAGE and JDK_IMAGE ARGs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
. "$here/stage.sh"
cache=${CAINJEKT_E2E_CACHE:-/var/cache/cainjekt-e2e}
[[ $(id -u) -eq 0 ]] || { echo "bases.sh: must run as root (debootstrap, chroot)" >&2; exit 1; }
"$repo/e2e/install.sh" >&2
. "$repo/bin/find-jdk"
cainjekt_use_jdk 25
jdk=$JAVA_HOME

rel=e2e/images
slim_key=$(key - $rel/lib.sh $rel/slim.sh)
jdk_key=$( (echo "$slim_key $jdk"; cat "$jdk/release" "$jdk/lib/security/cacerts") | sha256sum | cut -c1-16)
jdk_key=$(key "$jdk_key" $rel/jdk.sh)

mkdir -p "$cache/rootfs" "$cache/oci"
exec 9>"$cache/.lock"
flock 9
stage slim "$slim_key" "$here/slim.sh"
stage jdk25 "$jdk_key" derive "$cache/rootfs/slim-$slim_key" "$here/jdk.sh" "$jdk"

path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
image=localhost/cainjekt-e2e/slim:$slim_key
echo "name=slim archive=$(packed slim "$slim_key" "$image" --env "PATH=$path" --cmd '["bash"]') image=$image"
image=localhost/cainjekt-e2e/jdk25:$jdk_key
echo "name=jdk25 archive=$(packed jdk25 "$jdk_key" "$image" --env "PATH=/opt/java/openjdk/bin:$path" \
  --env JAVA_HOME=/opt/java/openjdk --cmd '["jshell"]') image=$image"
