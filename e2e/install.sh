#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Idempotently installs what the end-to-end tests need from Debian's registries:
# containerd 1.7.24 (NRI built in) from trixie, pinned at priority 100 so nothing else
# upgrades, bookworm's runc, the CRI api.proto, gogo proto includes, debootstrap, and what
# e2e/oci-pack.sh and the tiny test images need (jq, busybox-static, gcc for the pause binary).
set -euo pipefail

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
((${#need[@]} == 0)) && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "e2e/install.sh: missing ${need[*]}; run as root (apt-get) or install them" >&2
  exit 1
fi

src=/etc/apt/sources.list.d/cainjekt-trixie.sources
if [[ ! -f $src ]]; then
  cat >"$src" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
pin=/etc/apt/preferences.d/cainjekt-trixie
if [[ ! -f $pin ]]; then
  cat >"$pin" <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
containerd --version
