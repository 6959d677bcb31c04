#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build.sh [--no-archive] [--prune] [NAME...]
# Builds the e2e test images (default: all of debian-tls rhel-tls alpine-tls suse-tls arch-tls;
# debian-tls-100cas and debian-tls-300cas, debian-tls with that many more CAs, only when named)
# idempotently into a cache outside the repository, ${CAINJEKT_E2E_CACHE:-/var/cache/cainjekt-e2e}.
# Every stage is keyed by a hash of the scripts and fixtures that make it, so a clean clone
# reuses what an earlier run built, and any change to them rebuilds only what depends on it:
#   base        debootstrap + packages              (lib.sh, base.sh)
#   debian-tls  base + FakePublicRoot + tls-check    (+ debian-tls.sh, tls-check/*, the root cert)
#   <variant>   debian-tls + family layout           (+ variants/common.sh, variants/<name>.sh)
#   debian-tls-<N>cas  debian-tls + N CAs            (+ variants/extra-cas.sh, N)
# OCI archives come from e2e/oci-pack.sh when it exists (skipped with --no-archive).
# --prune deletes cache entries that no current key names and that no build used for 2 days
# (other checkouts share the cache: an entry another branch still uses is touched on every use).
# stdout: one line per requested image, fields separated by single spaces:
#   name=<name> key=<16 hex> rootfs=<dir> archive=<tar or -> image=localhost/cainjekt-e2e/<name>:<key>
# Progress goes to stderr. Needs root (debootstrap, chroot). Concurrent runs wait on a lock.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
. "$here/stage.sh"
cache=${CAINJEKT_E2E_CACHE:-/var/cache/cainjekt-e2e}
pki=$repo/src/test/resources/pki
pack=$repo/e2e/oci-pack.sh
all=(debian-tls rhel-tls alpine-tls suse-tls arch-tls)
extra=(debian-tls-100cas debian-tls-300cas)
# image config of the archives: PATH, and a default command (a CRI container usually names its own)
pack_options=(--env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  --cmd '["/bin/sleep","infinity"]')

archive=1 prune=0 names=()
for arg; do
  case $arg in
    --no-archive) archive=0 ;;
    --prune) prune=1 ;;
    debian-tls | rhel-tls | alpine-tls | suse-tls | arch-tls) names+=("$arg") ;;
    debian-tls-100cas | debian-tls-300cas) names+=("$arg") ;;
    *) echo "build.sh: unknown image or option '$arg' (images: ${all[*]} ${extra[*]})" >&2; exit 2 ;;
  esac
done
((${#names[@]})) || names=("${all[@]}")
[[ $(id -u) -eq 0 ]] || { echo "build.sh: must run as root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || "$repo/e2e/install.sh"

rel=e2e/images
base_key=$(key - $rel/lib.sh $rel/base.sh)
debian_key=$(key "$base_key" $rel/debian-tls.sh $rel/tls-check/tls-check \
  $rel/tls-check/TlsCheck.java src/test/resources/pki/fake-public-root.crt)
variant_key() {
  case $1 in
    debian-tls-*cas) key "$debian_key $1" $rel/variants/extra-cas.sh ;;
    *) key "$debian_key" $rel/variants/common.sh "$rel/variants/$1.sh" ;;
  esac
}
# variant_script NAME : sets script=(the script and its arguments that turn debian-tls into NAME)
variant_script() {
  case $1 in
    debian-tls-*cas) local n=${1#debian-tls-}; script=("$here/variants/extra-cas.sh" "${n%cas}") ;;
    *) script=("$here/variants/$1.sh") ;;
  esac
}

mkdir -p "$cache/rootfs" "$cache/oci"
exec 9>"$cache/.lock"
flock 9

stage base "$base_key" "$here/base.sh"
stage debian-tls "$debian_key" derive "$cache/rootfs/base-$base_key" "$here/debian-tls.sh" "$pki"
for name in "${names[@]}"; do
  [[ $name == debian-tls ]] && continue
  variant_script "$name"
  stage "$name" "$(variant_key "$name")" derive "$cache/rootfs/debian-tls-$debian_key" "${script[@]}"
done

for name in "${names[@]}"; do
  if [[ $name == debian-tls ]]; then k=$debian_key; else k=$(variant_key "$name"); fi
  rootfs=$cache/rootfs/$name-$k
  image=localhost/cainjekt-e2e/$name:$k
  tar=-
  if ((archive)) && [[ -x $pack ]]; then
    tar=$(packed "$name" "$k" "$image" "${pack_options[@]}")
  elif ((archive)); then
    log "no e2e/oci-pack.sh yet: no archive for $name"
  fi
  echo "name=$name key=$k rootfs=$rootfs archive=$tar image=$image"
done

if ((prune)); then
  keep=("base-$base_key" "debian-tls-$debian_key")
  for v in "${all[@]:1}" "${extra[@]}"; do keep+=("$v-$(variant_key "$v")"); done
  while IFS= read -r entry; do
    b=$(basename "$entry")
    wanted=0
    for kept in "${keep[@]}"; do [[ $b == "$kept" || $b == "$kept"-*.tar ]] && wanted=1; done
    ((wanted)) || { log "pruning $b"; rm -rf "$entry"; }
  done < <(find "$cache/rootfs" "$cache/oci" -mindepth 1 -maxdepth 1 -mtime +1)
fi
