#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Idempotently installs what the end-to-end tests need from Debian's registries:
# containerd 1.7.24 (NRI built in) from trixie, pinned at priority 100 so nothing else
# upgrades, bookworm's runc, the CRI api.proto, gogo proto includes, debootstrap, and what
# e2e/oci-pack.sh and the tiny test images need (jq, busybox-static, gcc for the pause binary),
# and bookworm's buildah for the plugin image (deploy/image/build.sh), and the CNI plugins
# (bridge, host-local, loopback) that give a pod without host network its own network.
# Also containerd 2.1.9 from forky, NOT installed: a forky source pinned at priority 1 (never a
# candidate for anything installed), `apt-get download` and `dpkg -x` into $CONTAINERD21_DIR
# (e2e/containerd.sh uses it with CONTAINERD_VERSION=2.1). promtool, for the alert unit tests
# (PrometheusRulesIT), the same way: Debian's `prometheus` package downloaded and unpacked into
# $PROMETHEUS_DIR, never installed. Fast no-op when everything is there.
set -euo pipefail

CONTAINERD21_VERSION=2.1.9
CONTAINERD21_DIR=/var/cache/cainjekt-e2e/containerd-$CONTAINERD21_VERSION
PROMETHEUS_DIR=/var/cache/cainjekt-e2e/prometheus

# true when the unpacked containerd 2.1 is complete and reports the expected version
have_containerd21() {
  local b=$CONTAINERD21_DIR/usr/bin
  [[ -x $b/containerd && -x $b/ctr && -x $b/containerd-shim-runc-v2 ]] || return 1
  "$b/containerd" --version 2>/dev/null | grep -qE " v?$CONTAINERD21_VERSION([~+-]| |$)"
}

need=()
command -v containerd >/dev/null || need+=(containerd/trixie)
command -v runc >/dev/null || need+=(runc)
command -v debootstrap >/dev/null || need+=(debootstrap)
[[ -f /usr/share/gocode/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto ]] \
  || need+=(golang-github-kubernetes-cri-api-dev/trixie)
[[ -f /usr/share/gocode/src/github.com/gogo/protobuf/gogoproto/gogo.proto ]] \
  || need+=(golang-github-gogo-protobuf-dev)
command -v ip >/dev/null || need+=(iproute2)
command -v jq >/dev/null || need+=(jq)
[[ -x /bin/busybox ]] || need+=(busybox-static)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v mount >/dev/null || need+=(mount)
command -v buildah >/dev/null || need+=(buildah)
[[ -x /usr/lib/cni/bridge ]] || need+=(containernetworking-plugins)
want21=0
have_containerd21 || want21=1
wantprom=0
[[ -x $PROMETHEUS_DIR/usr/bin/promtool ]] || wantprom=1
((${#need[@]} == 0 && want21 == 0 && wantprom == 0)) && exit 0

if [[ $(id -u) -ne 0 ]]; then
  missing=("${need[@]}")
  ((want21)) && missing+=("containerd $CONTAINERD21_VERSION in $CONTAINERD21_DIR")
  ((wantprom)) && missing+=("promtool in $PROMETHEUS_DIR")
  echo "e2e/install.sh: missing ${missing[*]}; run as root (apt-get) or install them" >&2
  exit 1
fi

# adds Debian suite $1 with every package pinned at priority $2 (pin first: the source never
# exists without it); existing files are left alone
apt_suite() {
  local suite=$1 priority=$2
  local pin=/etc/apt/preferences.d/cainjekt-$suite src=/etc/apt/sources.list.d/cainjekt-$suite.sources
  [[ -f $pin ]] || printf 'Package: *\nPin: release n=%s\nPin-Priority: %s\n' "$suite" "$priority" >"$pin"
  [[ -f $src ]] || printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' "Suites: $suite" \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >"$src"
}

apt_suite trixie 100
# forky only for `apt-get download`: priority 1 never installs or upgrades anything
((want21)) && apt_suite forky 1
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ((${#need[@]})); then
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  containerd --version
fi

# downloads Debian package $1 (name or name=version) and unpacks it into directory $2
unpack() {
  local tmp
  tmp=$(mktemp -d)
  chown _apt "$tmp" 2>/dev/null || true # apt downloads as _apt
  (cd "$tmp" && apt-get download -qq "$1" >/dev/null)
  rm -rf "$2.tmp"
  mkdir -p "$2.tmp"
  dpkg -x "$tmp"/*.deb "$2.tmp"
  rm -rf "$2" "$tmp"
  mv "$2.tmp" "$2"
}

if ((want21)); then
  ver=$(apt-cache madison containerd | awk -F' *\\| *' '$3 ~ /forky/ { print $2; exit }')
  [[ $ver == "$CONTAINERD21_VERSION"* ]] \
    || { echo "e2e/install.sh: forky has containerd '${ver:-none}', want $CONTAINERD21_VERSION" >&2; exit 1; }
  unpack "containerd=$ver" "$CONTAINERD21_DIR"
  have_containerd21 \
    || { echo "e2e/install.sh: $CONTAINERD21_DIR/usr/bin/containerd is not $CONTAINERD21_VERSION" >&2; exit 1; }
  "$CONTAINERD21_DIR/usr/bin/containerd" --version
fi

if ((wantprom)); then
  # the distribution's own candidate (bookworm: 2.42); only bin/promtool is used
  unpack prometheus "$PROMETHEUS_DIR"
  "$PROMETHEUS_DIR/usr/bin/promtool" --version | head -n 1
fi
