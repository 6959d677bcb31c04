#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build step (generate-test-sources): makes sure the e2e packages are installed, then writes a
# copy of Debian's CRI api.proto into OUT_DIR without the gogoproto import and options (they
# only tune Go code), with java_package/java_multiple_files added for the test stubs.
# The proto itself is never committed to this repository.
# usage: e2e/cri-proto.sh OUT_DIR
set -euo pipefail
out=${1:?usage: cri-proto.sh OUT_DIR}
src=/usr/share/gocode/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto
"$(dirname "$0")/install.sh" >/dev/null
[[ -f $src ]] || { echo "cri-proto.sh: $src missing after e2e/install.sh" >&2; exit 1; }
mkdir -p "$out/k8s/cri/v1"
dst=$out/k8s/cri/v1/api.proto
sed -E -e '/^import "github.com\/gogo\/protobuf\/gogoproto\/gogo.proto";/d' \
  -e '/^option \(gogoproto\.[a-z_]+\) *= *(true|false);/d' \
  -e 's/^(option go_package = .*)$/\1\noption java_package = "io.cainjekt.e2e.cri";\noption java_multiple_files = true;/' \
  "$src" >"$dst.tmp"
if grep -q gogoproto "$dst.tmp"; then
  echo "cri-proto.sh: $src still mentions gogoproto after stripping; update the sed rules" >&2
  exit 1
fi
cmp -s "$dst.tmp" "$dst" 2>/dev/null && rm "$dst.tmp" || mv "$dst.tmp" "$dst"
