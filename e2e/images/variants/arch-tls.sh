#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# arch-tls ROOTFS: Arch family (ID=arch). The bundle /etc/ssl/certs/ca-certificates.crt and
# /etc/ssl/cert.pem are RELATIVE symlinks to /etc/ca-certificates/extracted/tls-ca-bundle.pem;
# anchors in /etc/ca-certificates/trust-source/anchors; hashed links stay in /etc/ssl/certs;
# Java: /etc/ssl/certs/java/cacerts -> /etc/ca-certificates/extracted/java-cacerts.jks.
# Clients: openssl/python ssl/node -> /usr/lib/ssl/cert.pem -> /etc/ssl/cert.pem -> extracted;
# curl and requests (certifi) -> /etc/ssl/certs/ca-certificates.crt -> extracted;
# java -> /etc/ssl/certs/java/cacerts -> extracted/java-cacerts.jks.
. "$(dirname "$0")/common.sh" "$@"
extracted=/etc/ca-certificates/extracted
copy_store $debian_bundle $extracted/tls-ca-bundle.pem
copy_store /etc/ssl/certs/java/cacerts $extracted/java-cacerts.jks
mkdir -p ${extracted#/}/cadir etc/ca-certificates/trust-source/anchors \
  usr/share/ca-certificates/trust-source/anchors
link ../../ca-certificates/extracted/tls-ca-bundle.pem $debian_bundle
link ../ca-certificates/extracted/tls-ca-bundle.pem /etc/ssl/cert.pem
link ../../../ca-certificates/extracted/java-cacerts.jks /etc/ssl/certs/java/cacerts
# the anchor Debian's tooling linked into the hashed dir moves to where Arch keeps extracted certs
fake=cainjekt-e2e-fake-public-root.pem
copy_store /usr/local/share/ca-certificates/${fake%.pem}.crt $extracted/cadir/$fake
link ../../ca-certificates/extracted/cadir/$fake /etc/ssl/certs/$fake
rm -rf usr/local/share/ca-certificates
openssl_defaults /etc/ssl/cert.pem /etc/ssl/certs
os_release 'NAME="Arch Linux"' 'PRETTY_NAME="Arch Linux (cainjekt e2e variant)"' 'ID=arch' \
  'BUILD_ID=rolling' 'HOME_URL="https://archlinux.org/"'
