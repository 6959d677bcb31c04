#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the two tiny images the runtime tests need, cached in OUT_DIR (rebuilt only when
# missing or older than their inputs):
#   OUT_DIR/pause.tar    localhost/cainjekt-e2e/pause:latest   (e2e/pause.c, gcc -static)
#   OUT_DIR/busybox.tar  localhost/cainjekt-e2e/busybox:latest (Debian busybox-static)
# usage: e2e/runtime-images.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: runtime-images.sh OUT_DIR}
mkdir -p "$out"
"$here/install.sh" >/dev/null

fresh() { # fresh TARGET INPUT... : target exists and is newer than every input
  local t=$1 i
  shift
  [[ -f $t ]] || return 1
  for i in "$@"; do [[ $t -nt $i ]] || return 1; done
}

if ! fresh "$out/pause.tar" "$here/pause.c" "$here/oci-pack.sh"; then
  rm -rf "$out/pause.rootfs" && mkdir -p "$out/pause.rootfs"
  gcc -static -Os -Wall -Wextra -Werror -o "$out/pause.rootfs/pause" "$here/pause.c"
  strip "$out/pause.rootfs/pause"
  "$here/oci-pack.sh" --entrypoint '["/pause"]' "$out/pause.rootfs" \
    localhost/cainjekt-e2e/pause:latest "$out/pause.tar"
fi

if ! fresh "$out/busybox.tar" /bin/busybox "$here/oci-pack.sh" "$0"; then
  r=$out/busybox.rootfs
  rm -rf "$r" && mkdir -p "$r"/{bin,etc/ssl/certs,tmp,proc,sys,dev,root}
  cp /bin/busybox "$r/bin/busybox"
  for applet in $("$r/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$r/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
  echo 'root:x:0:' >"$r/etc/group"
  printf 'ID=busybox\nNAME="BusyBox (cainjekt e2e)"\n' >"$r/etc/os-release"
  chmod 1777 "$r/tmp"
  "$here/oci-pack.sh" --cmd '["/bin/sh"]' --env PATH=/bin "$r" \
    localhost/cainjekt-e2e/busybox:latest "$out/busybox.tar"
fi
