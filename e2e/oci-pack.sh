#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Packs a directory into a single-layer OCI image archive that `ctr -n k8s.io images import`
# accepts (index.json carries the io.containerd.image.name annotation). Reproducible: same
# directory content gives the same digests. The config's history names the one layer, as builders
# (buildah) expect of a base image.
#
# usage: e2e/oci-pack.sh [--entrypoint JSON] [--cmd JSON] [--env KEY=VALUE]... [--workdir DIR]
#                        ROOTFS_DIR IMAGE_NAME OUT_TAR
#   JSON is an array of strings, e.g. --entrypoint '["/pause"]'
#   IMAGE_NAME must be fully qualified, e.g. localhost/cainjekt-e2e/busybox:latest
set -euo pipefail

die() { echo "oci-pack.sh: $*" >&2; exit 2; }

entrypoint=null cmd=null workdir=/ envs=()
while (($#)); do
  case $1 in
    --entrypoint) entrypoint=${2?--entrypoint needs a JSON array}; shift 2 ;;
    --cmd) cmd=${2?--cmd needs a JSON array}; shift 2 ;;
    --env) envs+=("${2?--env needs KEY=VALUE}"); shift 2 ;;
    --workdir) workdir=${2?--workdir needs a path}; shift 2 ;;
    --) shift; break ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
done
(($# == 3)) || die "usage: oci-pack.sh [options] ROOTFS_DIR IMAGE_NAME OUT_TAR"
rootfs=$1 name=$2 out=$3
command -v jq >/dev/null || die "jq is required (e2e/install.sh installs it)"
[[ -d $rootfs ]] || die "rootfs $rootfs is not a directory"
[[ $name =~ ^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+:[A-Za-z0-9._-]+$ ]] \
  || die "image name '$name' must be fully qualified: host/path:tag"
for j in "$entrypoint" "$cmd"; do
  jq -e 'type == "null" or (type == "array" and all(type == "string"))' <<<"$j" >/dev/null \
    || die "'$j' is not a JSON array of strings"
done
for e in "${envs[@]}"; do [[ $e == *=* ]] || die "--env '$e' is not KEY=VALUE"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/oci-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
blobs=$work/oci/blobs/sha256
mkdir -p "$blobs"

# blob FILE -> prints "<hex digest> <size>" and moves FILE into blobs/sha256/<hex>
blob() {
  local hex size
  hex=$(sha256sum "$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  mv "$1" "$blobs/$hex"
  echo "$hex $size"
}

tar --create --file="$work/layer.tar" --directory="$rootfs" --sort=name --numeric-owner \
  --mtime=@0 --xattrs --xattrs-include='security.capability' --one-file-system .
read -r layer_hex layer_size < <(blob "$work/layer.tar")

env_json=$(printf '%s\n' "${envs[@]+"${envs[@]}"}" | jq -R . | jq -sc 'map(select(. != ""))')
jq -nc --argjson ep "$entrypoint" --argjson cmd "$cmd" --argjson env "$env_json" \
  --arg wd "$workdir" --arg diff "sha256:$layer_hex" '{
    architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
    config: ({Env: $env, WorkingDir: $wd}
             + (if $ep then {Entrypoint: $ep} else {} end)
             + (if $cmd then {Cmd: $cmd} else {} end)),
    rootfs: {type: "layers", diff_ids: [$diff]},
    history: [{created: "1970-01-01T00:00:00Z", created_by: "e2e/oci-pack.sh"}]
  }' >"$work/config.json"
read -r config_hex config_size < <(blob "$work/config.json")

jq -nc --arg c "sha256:$config_hex" --argjson cs "$config_size" \
  --arg l "sha256:$layer_hex" --argjson ls "$layer_size" '{
    schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
    layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]
  }' >"$work/manifest.json"
read -r manifest_hex manifest_size < <(blob "$work/manifest.json")

jq -nc --arg m "sha256:$manifest_hex" --argjson ms "$manifest_size" --arg name "$name" '{
    schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m,
      size: $ms, platform: {architecture: "amd64", os: "linux"},
      annotations: {"io.containerd.image.name": $name,
                    "org.opencontainers.image.ref.name": ($name | sub(".*:"; ""))}}]
  }' >"$work/oci/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"

mkdir -p "$(dirname "$out")"
tar --create --file="$out.tmp" --directory="$work/oci" --sort=name --mtime=@0 \
  --owner=0 --group=0 --numeric-owner oci-layout index.json blobs
mv "$out.tmp" "$out"
echo "oci-pack.sh: $name -> $out (layer $((layer_size / 1024)) KiB, manifest sha256:${manifest_hex:0:12})"
