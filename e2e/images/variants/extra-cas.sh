#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# extra-cas.sh COUNT ROOTFS: debian-tls with COUNT more CAs (self-signed EC P-256, made here with
# the host's openssl) added the Debian way: one anchor each under /usr/local/share/ca-certificates,
# then update-ca-certificates, so the bundle, the hashed directory and Java's cacerts all hold
# them. Images that differ from debian-tls in their trust files' bytes only (the memory soak,
# RealImageSoakIT, fills the plugin's content caches with them).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib.sh"
count=$1 root=$2
anchors=$root/usr/local/share/ca-certificates
for ((i = 1; i <= count; i++)); do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
    -subj "/O=cainjekt e2e/CN=cainjekt e2e extra ca $i of $count" -days 7300 \
    -out "$anchors/cainjekt-e2e-extra-$i.crt" 2>/dev/null
done
in_root "$root" update-ca-certificates >&2
found=$(grep -c 'BEGIN CERTIFICATE' "$root/etc/ssl/certs/ca-certificates.crt")
log "extra-cas: $count CAs added, $found in the bundle"
