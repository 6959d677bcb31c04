# SPDX-License-Identifier: Apache-2.0
# Keyed build stages in the image cache, shared by build.sh (test images) and bases.sh (the plugin
# image's bases). Sourced after lib.sh, with $repo (repository root) and $cache (cache directory)
# set and $cache/.lock held by the caller.

# key PARENT_KEY FILE... : 16 hex digits over the parent key and the files' names and contents
key() {
  local parent=$1
  shift
  { echo "$parent"; (cd "$repo" && sha256sum "$@"); } | sha256sum | cut -c1-16
}

# stage NAME KEY COMMAND... : makes $cache/rootfs/NAME-KEY unless it exists; COMMAND gets the
# temporary directory as its last argument; a finished directory is renamed into place.
stage() {
  local name=$1 k=$2 dir tmp start
  shift 2
  dir=$cache/rootfs/$name-$k
  if [[ -d $dir ]]; then
    touch "$dir"
    return 0
  fi
  tmp=$dir.tmp
  rm -rf "$tmp"
  mkdir -p "$tmp"
  start=$SECONDS
  log "building $name ($k)"
  "$@" "$tmp"
  mv "$tmp" "$dir"
  log "built $name in $((SECONDS - start)) s: $(du -sh "$dir" | cut -f1)"
}

# derive PARENT_DIR SCRIPT ARGS... DIR : copies PARENT_DIR into DIR, then runs SCRIPT ARGS... DIR
derive() {
  local parent=$1 script=$2
  shift 2
  local dir=${!#}
  cp -a --reflink=auto "$parent/." "$dir/"
  "$script" "${@:1:$#-1}" "$dir"
}

# packed NAME KEY IMAGE PACK_OPTION... : prints the OCI archive of $cache/rootfs/NAME-KEY as IMAGE,
# packing it with e2e/oci-pack.sh unless the archive for these options is already cached.
packed() {
  local name=$1 k=$2 image=$3 tar
  shift 3
  tar=$cache/oci/$name-$k-$(key "$k $*" e2e/oci-pack.sh).tar
  if [[ -f $tar ]]; then
    touch "$tar"
  else
    log "packing $image"
    "$repo/e2e/oci-pack.sh" "$@" "$cache/rootfs/$name-$k" "$image" "$tar.tmp" >&2
    mv "$tar.tmp" "$tar"
  fi
  echo "$tar"
}
