#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the plugin image from the repository's Dockerfile with Debian's buildah, offline: the
# Dockerfile's JDK_IMAGE and BASE_IMAGE ARGs name local OCI archives (e2e/images/bases.sh), the
# build stage reads the host's Maven repository through an overlay (writes are thrown away), and
# the result is an OCI archive that `ctr images import` accepts:
#
#   deploy/image/build.sh [--tag TAG] [--out TAR]
#     TAG  image tag (default dev): the image is localhost/cainjekt:TAG
#     TAR  default target/image/cainjekt-TAG.tar
#
# buildah keeps its storage (vfs, chroot isolation: no daemon, no overlay-on-overlay) under
# ${CAINJEKT_E2E_CACHE:-/var/cache/cainjekt-e2e}/buildah, so a second build reuses every layer
# whose inputs did not change (the build stage's layers too: nothing is pruned; free the space
# with `buildah --storage-driver vfs --root DIR rmi --all`). stdout: one line
#   image=localhost/cainjekt:TAG archive=TAR bytes=<unpacked layers> seconds=<build time>
# Needs root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tag=dev out=
while (($#)); do
  case $1 in
    --tag) tag=${2:?--tag needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a path}; shift 2 ;;
    *) echo "build.sh: unknown option $1 (--tag TAG, --out TAR)" >&2; exit 2 ;;
  esac
done
[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$ ]] || { echo "build.sh: '$tag' is not an image tag" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "build.sh: must run as root (buildah, debootstrap)" >&2; exit 1; }
image=localhost/cainjekt:$tag
out=${out:-$repo/target/image/cainjekt-$tag.tar}
cache=${CAINJEKT_E2E_CACHE:-/var/cache/cainjekt-e2e}
start=$SECONDS

declare -A base
while read -r line; do
  name=${line#name=} name=${name%% *}
  archive=${line#*archive=} archive=${archive%% *}
  base[$name]=$archive
done < <("$repo/e2e/images/bases.sh")

store=(--storage-driver vfs --root "$cache/buildah/root" --runroot /run/cainjekt-buildah)
m2=${MAVEN_REPO_DIR:-$HOME/.m2}
mkdir -p "$m2" "$(dirname "$out")"
exec 9>"$cache/buildah.lock"
flock 9
buildah "${store[@]}" bud --isolation chroot --layers --network host \
  --build-arg "JDK_IMAGE=oci-archive:${base[jdk25]}" \
  --build-arg "BASE_IMAGE=oci-archive:${base[slim]}" \
  --volume "$m2:/root/.m2:O" \
  --tag "$image" --file "$repo/Dockerfile" "$repo" >&2

# ctr reads the image name from the index's io.containerd.image.name annotation (e2e/oci-pack.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
buildah "${store[@]}" push --quiet "$image" "oci:$work/oci:$image" >&2
jq --arg n "$image" '.manifests[0].annotations["io.containerd.image.name"] = $n' \
  "$work/oci/index.json" >"$work/index.json"
mv "$work/index.json" "$work/oci/index.json"
tar --create --file="$out.tmp" --directory="$work/oci" --sort=name --owner=0 --group=0 \
  --numeric-owner oci-layout index.json blobs
mv "$out.tmp" "$out"
# image size: the unpacked layers (what a node's snapshotter holds)
bytes=$(jq -r '.manifests[0].digest' "$work/oci/index.json" | sed 's/^sha256://' \
  | xargs -I{} jq -r '.layers[].digest' "$work/oci/blobs/sha256/{}" | sed 's/^sha256://' \
  | while read -r l; do gzip -dc "$work/oci/blobs/sha256/$l" | wc -c; done | paste -sd+ | bc)
echo "image=$image archive=$out bytes=$bytes seconds=$((SECONDS - start))"
