#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# jdk.sh JDK_HOME ROOTFS: adds the host's JDK 25 at /opt/java/openjdk (where eclipse-temurin
# images keep it) and binutils to a copy of the slim root: the local stand-in for eclipse-temurin:25-jdk (the
# plugin image's JDK_IMAGE). Called by bases.sh through stage.sh's derive.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
jdk=$1 root=$2
[[ -x $jdk/bin/jlink && -f $jdk/release ]] || { echo "jdk.sh: $jdk is not a JDK" >&2; exit 1; }
mkdir -p "$root/opt/java"
cp -a "$jdk/." "$root/opt/java/openjdk/"
# Debian's and Temurin's packages link cacerts to the host's store (/etc/ssl/certs/java); the
# image gets the store's content, so the build stage trusts what the host's Maven trusts.
cacerts=$root/opt/java/openjdk/lib/security/cacerts
if [[ -L $cacerts ]]; then
  rm "$cacerts"
  cp -L "$jdk/lib/security/cacerts" "$cacerts"
fi
# binutils for jlink --strip-debug (objcopy), as the eclipse-temurin JDK images install it
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root "$root" sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends binutils \
  && apt-get clean' >&2
rm -rf "$root/etc/resolv.conf" "$root"/var/lib/apt/lists/* "$root"/var/log/apt/* "$root"/var/log/*.log
