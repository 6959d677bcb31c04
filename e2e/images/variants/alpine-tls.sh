#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# alpine-tls ROOTFS: Alpine family (ID=alpine). Bundles /etc/ssl/certs/ca-certificates.crt and
# /etc/ssl/cert.pem, here two separate regular files (the harder case: a processor must rewrite
# both; current Alpine links cert.pem to the other, a case rhel/suse/arch cover); hashed links in
# /etc/ssl/certs; anchors in /usr/local/share/ca-certificates (kept from Debian, same on Alpine).
# Clients: openssl/python ssl/node -> /usr/lib/ssl/cert.pem -> /etc/ssl/cert.pem (Alpine's
# OPENSSLDIR is /etc/ssl); curl -> /etc/ssl/certs/ca-certificates.crt (compiled in, as on Alpine);
# requests -> certifi -> /etc/ssl/certs/ca-certificates.crt; java -> /etc/ssl/certs/java/cacerts.
. "$(dirname "$0")/common.sh" "$@"
copy_store $debian_bundle /etc/ssl/cert.pem
openssl_defaults /etc/ssl/cert.pem /etc/ssl/certs
os_release 'NAME="Alpine Linux"' 'ID=alpine' 'VERSION_ID=3.20.3' \
  'PRETTY_NAME="Alpine Linux v3.20 (cainjekt e2e variant)"' 'HOME_URL="https://alpinelinux.org/"'
