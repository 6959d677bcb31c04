#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# debian-tls.sh PKI_DIR ROOTFS: turns a copy of the base rootfs into debian-tls:
# FakePublicRoot baked into the OS store the Debian way (anchor + update-ca-certificates, which
# also rebuilds the hashed dir /etc/ssl/certs and Java's /etc/ssl/certs/java/cacerts), and
# /usr/local/bin/tls-check with its Java probe (compiled here with --release 17: the image has a JRE only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
pki=$1 root=$2

install -D -m 0644 "$pki/fake-public-root.crt" \
  "$root/usr/local/share/ca-certificates/cainjekt-e2e-fake-public-root.crt"
in_root "$root" update-ca-certificates >&2
fingerprint=$(openssl x509 -in "$pki/fake-public-root.crt" -noout -fingerprint -sha256 | cut -d= -f2)
grep -qF "$(sed -n 2p "$pki/fake-public-root.crt")" "$root/etc/ssl/certs/ca-certificates.crt" \
  || { log "FakePublicRoot missing from ca-certificates.crt"; exit 1; }
[[ -L $root/etc/ssl/certs/$(openssl x509 -in "$pki/fake-public-root.crt" -noout -subject_hash).0 ]] \
  || { log "FakePublicRoot hash link missing from /etc/ssl/certs"; exit 1; }
in_root "$root" keytool -list -keystore /etc/ssl/certs/java/cacerts -storepass changeit \
  | grep -qiF "$fingerprint" || { log "FakePublicRoot missing from java cacerts"; exit 1; }

javac=${JAVA_HOME:+$JAVA_HOME/bin/javac}
[[ -x ${javac:-} ]] || javac=$(command -v javac || ls -d /usr/lib/jvm/*/bin/javac 2>/dev/null | sort -V | tail -n 1)
[[ -x ${javac:-} ]] || { log "no javac found (set JAVA_HOME to a JDK >= 17)"; exit 1; }
install -D -m 0755 "$here/tls-check/tls-check" "$root/usr/local/bin/tls-check"
mkdir -p "$root/usr/local/lib/tls-check"
"$javac" --release 17 -d "$root/usr/local/lib/tls-check" "$here/tls-check/TlsCheck.java"
