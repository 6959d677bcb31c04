#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# rhel-tls ROOTFS: RHEL/Fedora family (ID=rhel, ID_LIKE=fedora). The bundle is
# /etc/pki/tls/certs/ca-bundle.crt, an ABSOLUTE symlink to the extracted
# /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem; anchors in /etc/pki/ca-trust/source/anchors;
# /etc/ssl/certs is a symlink to ../pki/tls/certs (no hashed links, no ca-certificates.crt).
# Clients: openssl/python ssl/node -> /usr/lib/ssl/cert.pem -> /etc/pki/tls/cert.pem -> extracted;
# curl -> /etc/pki/tls/certs/ca-bundle.crt (compiled in); requests -> certifi -> same;
# java -> /etc/pki/ca-trust/extracted/java/cacerts.
. "$(dirname "$0")/common.sh" "$@"
extracted=/etc/pki/ca-trust/extracted
copy_store $debian_bundle $extracted/pem/tls-ca-bundle.pem
copy_store /etc/ssl/certs/java/cacerts $extracted/java/cacerts
mkdir -p etc/pki/ca-trust/source/anchors usr/share/pki/ca-trust-source/anchors \
  ${extracted#/}/openssl ${extracted#/}/edk2 etc/pki/tls/private
link $extracted/pem/tls-ca-bundle.pem /etc/pki/tls/certs/ca-bundle.crt
link $extracted/pem/tls-ca-bundle.pem /etc/pki/tls/cert.pem
link ../pki/tls/certs /etc/ssl/certs
rm -rf usr/local/share/ca-certificates
openssl_defaults /etc/pki/tls/cert.pem /etc/pki/tls/certs
curl_ca_file /etc/pki/tls/certs/ca-bundle.crt
certifi_where /etc/pki/tls/certs/ca-bundle.crt
java_cacerts $extracted/java/cacerts
os_release 'NAME="Red Hat Enterprise Linux"' 'VERSION="9.4 (Plow)"' 'ID="rhel"' \
  'ID_LIKE="fedora"' 'VERSION_ID="9.4"' 'PLATFORM_ID="platform:el9"' \
  'PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow) (cainjekt e2e variant)"'
