#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Conformance of cainjekt's NRI stub against NRI's own Go runtime library (pkg/adaptation 0.6.1).
# Needs: golang-github-containerd-nri-dev and golang-1.24-go from Debian trixie (offline build),
# and target/cainjekt.jar (./mvnw -B -DskipITs package). Usage: e2e/nri-conformance/run.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/cainjekt-nri-conformance.XXXXXX)
go=${GO:-/usr/lib/go-1.24/bin/go}
java=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java | head -n1)}

cp "$here/main.go" "$work/main.go"
(cd "$work" && GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOTOOLCHAIN=local \
  CGO_ENABLED=0 GOCACHE="${GOCACHE:-/tmp/cainjekt-nri-conformance-gocache}" "$go" build -o "$work/nri-conformance" main.go)

printf 'not parsed yet\n' > "$work/ca.pem"
"$java" -jar "$root/target/cainjekt.jar" run --nri-socket "$work/nri.sock" \
  --ca-bundle "$work/ca.pem" --log-level debug > "$work/plugin.log" 2>&1 &
plugin=$!
trap 'kill "$plugin" 2>/dev/null || true' EXIT
status=0
"$work/nri-conformance" -phase events -socket "$work/nri.sock" -plugin-log "$work/plugin.log" || status=$?
if [ "$status" = 0 ]; then
  "$work/nri-conformance" -phase resync -socket "$work/nri.sock" -plugin-log "$work/plugin.log" || status=$?
fi
kill "$plugin"; wait "$plugin" 2>/dev/null || true
grep -E 'nri: (registered|configured|synchronized|connection lost|reconnecting)' "$work/plugin.log" || true
echo "plugin log: $work/plugin.log"
exit "$status"
