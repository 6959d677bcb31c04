# SPDX-License-Identifier: Apache-2.0
# Shared by the image build scripts (sourced, not executed).

# in_root ROOTFS CMD... : runs CMD chrooted into ROOTFS with /proc and /dev mounted in a private
# mount and pid namespace, so every mount disappears with the command, even after a crash.
in_root() {
  local root=$1
  shift
  unshare --mount --pid --fork --propagation private /bin/sh -c '
    root=$1; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' in_root "$root" "$@"
}

# log MESSAGE... : progress on stderr (stdout of build.sh carries only the result lines).
log() { printf '%s\n' "images: $*" >&2; }
