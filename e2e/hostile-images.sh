#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the hostile test images (docs/security.md, "Hostile images"): a busybox root that says
# ID=debian in /etc/os-release, each with one trap where the plugin reads or writes. Cached in
# OUT_DIR (rebuilt only when missing or older than their inputs):
#   OUT_DIR/hostile-<case>.tar  localhost/cainjekt-e2e/hostile-<case>:latest
# Cases:
#   bundle-absolute-link  /etc/ssl/certs/ca-certificates.crt -> /etc/cainjekt-hostile-canary
#   bundle-dotdot-link    /etc/ssl/certs/ca-certificates.crt -> ../../../../../etc/cainjekt-hostile-canary
#   certs-to-proc         /etc/ssl/certs -> /proc
#   certs-to-root         /etc/ssl/certs -> /
#   bundle-fifo           /etc/ssl/certs/ca-certificates.crt is a FIFO
#   bundle-directory      /etc/ssl/certs/ca-certificates.crt is a directory
#   bundle-huge           /etc/ssl/certs/ca-certificates.crt is 17 MiB (over the 2 MiB cap; sparse)
#   os-release-loop       /etc/os-release -> os-release.loop -> os-release
#   jdk-cacerts-link      a (fake) JDK in /opt/java/openjdk whose lib/security/cacerts -> the canary
# and images that are not hostile:
#   user-owned-certs      /etc/ssl/certs (0755) and its bundle (FakePublicRoot, 0644) owned by 1000:1000
#                         (LeastPrivilegeIT: DAC_OVERRIDE and CHOWN at work)
#   bundle-with-corp-ca   the bundle is FakePublicRoot + CorpCA: the image ships the injected CA
#                         itself (CaRotationIT: rotating CorpCA out keeps the image's copy)
# /etc/cainjekt-hostile-canary is the host file the links aim at; the images do not hold it.
# usage: e2e/hostile-images.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: hostile-images.sh OUT_DIR}
mkdir -p "$out"
"$here/install.sh" >/dev/null

canary=/etc/cainjekt-hostile-canary
cases=(bundle-absolute-link bundle-dotdot-link certs-to-proc certs-to-root bundle-fifo
  bundle-directory bundle-huge os-release-loop jdk-cacerts-link user-owned-certs
  bundle-with-corp-ca)
fake_root=$here/../src/test/resources/pki/fake-public-root.crt
corp_ca=$here/../src/test/resources/pki/corp-ca.crt

base() { # base DIR: busybox with a Debian-looking /etc
  local r=$1 applet
  rm -rf "$r" && mkdir -p "$r"/{bin,etc/ssl/certs,tmp,proc,sys,dev,root}
  cp /bin/busybox "$r/bin/busybox"
  for applet in sh sleep cat ls readlink stat test; do ln -s busybox "$r/bin/$applet"; done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
  echo 'root:x:0:' >"$r/etc/group"
  printf 'ID=debian\nVERSION_ID="12"\nNAME="Debian GNU/Linux (cainjekt hostile e2e)"\n' \
    >"$r/etc/os-release"
  chmod 1777 "$r/tmp"
}

trap_for() { # trap_for CASE DIR
  local bundle=$2/etc/ssl/certs/ca-certificates.crt
  case $1 in
    bundle-absolute-link) ln -s "$canary" "$bundle" ;;
    bundle-dotdot-link) ln -s "../../../../..$canary" "$bundle" ;;
    certs-to-proc) rmdir "$2/etc/ssl/certs" && ln -s /proc "$2/etc/ssl/certs" ;;
    certs-to-root) rmdir "$2/etc/ssl/certs" && ln -s / "$2/etc/ssl/certs" ;;
    bundle-fifo) mkfifo "$bundle" ;;
    bundle-directory) mkdir "$bundle" ;;
    bundle-huge) truncate -s 17M "$bundle" ;;
    os-release-loop)
      rm "$2/etc/os-release"
      ln -s os-release.loop "$2/etc/os-release"
      ln -s os-release "$2/etc/os-release.loop" ;;
    jdk-cacerts-link)
      mkdir -p "$2/opt/java/openjdk/bin" "$2/opt/java/openjdk/lib/security"
      printf '#!/bin/sh\necho not a real java\n' >"$2/opt/java/openjdk/bin/java"
      chmod 0755 "$2/opt/java/openjdk/bin/java"
      printf 'JAVA_VERSION="17.0.9"\n' >"$2/opt/java/openjdk/release"
      ln -s "$canary" "$2/opt/java/openjdk/lib/security/cacerts" ;;
    user-owned-certs)
      cp "$fake_root" "$bundle" && chmod 0644 "$bundle"
      chown -R 1000:1000 "$2/etc/ssl/certs" ;;
    bundle-with-corp-ca) cat "$fake_root" "$corp_ca" >"$bundle" ;;
    *) echo "hostile-images.sh: unknown case $1" >&2; exit 2 ;;
  esac
}

fresh() { # fresh TARGET INPUT... : target exists and is newer than every input
  local t=$1 i
  shift
  [[ -f $t ]] || return 1
  for i in "$@"; do [[ $t -nt $i ]] || return 1; done
}

for c in "${cases[@]}"; do
  fresh "$out/hostile-$c.tar" /bin/busybox "$here/oci-pack.sh" "$0" "$fake_root" "$corp_ca" \
    && continue
  r=$out/hostile-$c.rootfs
  base "$r"
  trap_for "$c" "$r"
  "$here/oci-pack.sh" --cmd '["/bin/sh"]' --env PATH=/bin "$r" \
    "localhost/cainjekt-e2e/hostile-$c:latest" "$out/hostile-$c.tar"
  rm -rf "$r"
done
