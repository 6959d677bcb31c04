#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checks, on this machine's kernel, which Linux capabilities the plugin's file operations need
# when it runs as uid 0 with every other capability dropped (the chart's securityContext).
# Each case runs under `setpriv --bounding-set=-all,<caps>` and prints "<case> <caps> ok|denied".
# Needs root and util-linux setpriv. CapabilitiesIT asserts the expected outcomes;
# docs/security.md cites them. Leaves nothing behind.
set -euo pipefail
[[ $(id -u) -eq 0 ]] || { echo "verify-capabilities.sh: run as root" >&2; exit 1; }
command -v setpriv >/dev/null || { echo "verify-capabilities.sh: needs setpriv (util-linux)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Two target processes with the caller's full capabilities, like runc init and host PID 1:
# one made non-dumpable (runc does this during container setup), one dumpable.
sleep_target() { # $1 = 0 for non-dumpable
  python3 -c 'import ctypes,os,sys,time
if sys.argv[1] == "0": ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
open(sys.argv[2], "w").write(str(os.getpid())); time.sleep(120)' "$1" "$2" &
  pids+=($!)
}
sleep_target 0 "$work/nondumpable.pid"
sleep_target 1 "$work/dumpable.pid"
for _ in $(seq 100); do
  [[ -s $work/nondumpable.pid && -s $work/dumpable.pid ]] && break
  sleep 0.1
done
nondumpable=$(cat "$work/nondumpable.pid")
dumpable=$(cat "$work/dumpable.pid")

# A "container root": a root-owned directory with a read-only bundle, and a directory owned by
# a non-root user (images built for non-root users).
mkdir -p "$work/root/etc/rootdir" "$work/root/etc/userdir"
echo a >"$work/root/etc/rootdir/bundle.pem"; chmod 0444 "$work/root/etc/rootdir/bundle.pem"
echo a >"$work/root/etc/userdir/bundle.pem"; chown -R 1000:1000 "$work/root/etc/userdir"

try() { # $1 case, $2 caps, $3 command
  if setpriv --bounding-set="-all,$2" --inh-caps=-all sh -c "$3" >/dev/null 2>&1; then
    echo "$1 $2 ok"
  else
    echo "$1 $2 denied"
  fi
  rm -f "$work"/root/etc/*/.tmp
}
# A root-owned Unix socket with mode 0600, like containerd's NRI socket.
python3 -c 'import os,socket,sys,time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o600); s.listen(8)
time.sleep(120)' "$work/nri.sock" &
pids+=($!)
for _ in $(seq 100); do [[ -S $work/nri.sock ]] && break; sleep 0.1; done
connect="python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' $work/nri.sock"

d=$work/root/etc
try connect-root-socket "+sys_ptrace" "$connect"
for caps in +dac_override,+chown +sys_ptrace +sys_ptrace,+dac_override,+chown; do
  try proc-root-nondumpable "$caps" "ls /proc/$nondumpable/root/ >/dev/null"
  try proc-root-dumpable "$caps" "ls /proc/$dumpable/root/ >/dev/null"
done
for caps in +sys_ptrace +sys_ptrace,+dac_override +sys_ptrace,+dac_override,+chown; do
  try replace-root-owned-readonly "$caps" \
    "echo x >$d/rootdir/.tmp && chmod 0444 $d/rootdir/.tmp && mv $d/rootdir/.tmp $d/rootdir/bundle.pem"
  try create-in-user-owned-dir "$caps" "echo x >$d/userdir/.tmp"
  try replace-keeping-user-owner "$caps" \
    "echo x >$d/userdir/.tmp && chmod 0644 $d/userdir/.tmp && chown 1000:1000 $d/userdir/.tmp && mv $d/userdir/.tmp $d/userdir/bundle.pem"
  try chmod-after-chown "$caps" \
    "echo x >$d/rootdir/.tmp && chown 1000:1000 $d/rootdir/.tmp && chmod 0644 $d/rootdir/.tmp"
done
