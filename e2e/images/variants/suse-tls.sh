#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# suse-tls ROOTFS: SUSE family (ID=opensuse-leap, ID_LIKE="suse opensuse"). The bundle is
# /etc/ssl/ca-bundle.pem, a RELATIVE symlink to /var/lib/ca-certificates/ca-bundle.pem; anchors in
# /etc/pki/trust/anchors; /etc/ssl/certs links to /var/lib/ca-certificates/pem (left empty here,
# so the bundle is the only store); Java keystore /var/lib/ca-certificates/java-cacerts.
# Clients: openssl/python ssl/node -> /usr/lib/ssl/cert.pem -> /etc/ssl/ca-bundle.pem;
# curl -> /etc/ssl/ca-bundle.pem (compiled in); requests -> certifi -> same;
# java -> /var/lib/ca-certificates/java-cacerts.
. "$(dirname "$0")/common.sh" "$@"
copy_store $debian_bundle /var/lib/ca-certificates/ca-bundle.pem
copy_store /etc/ssl/certs/java/cacerts /var/lib/ca-certificates/java-cacerts
mkdir -p var/lib/ca-certificates/pem var/lib/ca-certificates/openssl etc/pki/trust/anchors \
  usr/share/pki/trust/anchors
link ../../var/lib/ca-certificates/ca-bundle.pem /etc/ssl/ca-bundle.pem
link ../../var/lib/ca-certificates/pem /etc/ssl/certs
rm -rf usr/local/share/ca-certificates
openssl_defaults /etc/ssl/ca-bundle.pem /etc/ssl/certs
curl_ca_file /etc/ssl/ca-bundle.pem
certifi_where /etc/ssl/ca-bundle.pem
java_cacerts /var/lib/ca-certificates/java-cacerts
os_release 'NAME="openSUSE Leap"' 'VERSION="15.6"' 'ID="opensuse-leap"' \
  'ID_LIKE="suse opensuse"' 'VERSION_ID="15.6"' \
  'PRETTY_NAME="openSUSE Leap 15.6 (cainjekt e2e variant)"'
