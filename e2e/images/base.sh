#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# base.sh ROOTFS: Debian bookworm minbase with every TLS client tls-check drives
# (curl, openssl, python3 + requests, nodejs, OpenJDK 17 JRE), docs, man pages and locales pruned.
# Called by build.sh into an empty directory; the result is cached under the hash of this file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$1
mirror=${CAINJEKT_E2E_MIRROR:-http://deb.debian.org/debian}

log "debootstrap bookworm minbase into $root"
debootstrap --variant=minbase \
  --include=ca-certificates,curl,openssl,python3,python3-requests,nodejs \
  bookworm "$root" "$mirror" >&2

# openjdk's postinst needs /proc and the man1 directory, so it goes in a second, chrooted step.
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root "$root" apt-get install -y -q --no-install-recommends \
  openjdk-17-jre-headless ca-certificates-java >&2
if [[ ! -f $root/etc/ssl/certs/java/cacerts ]]; then
  in_root "$root" update-ca-certificates -f >&2
fi
[[ -f $root/etc/ssl/certs/java/cacerts ]] || { log "java cacerts missing after install"; exit 1; }

log "pruning docs, man pages, locales and apt caches"
in_root "$root" apt-get clean >&2
rm -f "$root/etc/resolv.conf"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/apt/* \
  "$root"/usr/share/doc/* "$root"/usr/share/info/* "$root"/usr/share/lintian \
  "$root"/var/cache/debconf/*-old "$root"/var/log/*.log
# man *files* only: the directories stay for later postinst scripts (update-alternatives).
find "$root/usr/share/man" -type f -delete
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
find "$root" -xdev -name '__pycache__' -type d -prune -exec rm -rf {} +
# JRE files no client here uses: javac's --release table, the CDS archive for heaps over 32 GiB
rm -f "$root"/usr/lib/jvm/java-17-openjdk-amd64/lib/ct.sym \
  "$root"/usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes_nocoops.jsa
