#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# slim.sh ROOTFS: Debian bookworm minbase with nothing added, the local stand-in for
# debian:bookworm-slim (the plugin image's BASE_IMAGE). Docs, man files, locales and apt lists
# are removed, as the slim image does. Called by bases.sh into an empty directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$1
mirror=${CAINJEKT_E2E_MIRROR:-http://deb.debian.org/debian}

log "debootstrap bookworm minbase into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >&2
in_root "$root" apt-get clean >&2
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/apt/* \
  "$root"/var/log/*.log "$root"/usr/share/doc/* "$root"/usr/share/info/*
find "$root/usr/share/man" -type f -delete
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
