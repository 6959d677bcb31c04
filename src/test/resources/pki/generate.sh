#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Makes the one TEST-ONLY PKI of the tests, unit and e2e alike, in this directory (keys included
# on purpose: they protect nothing). Validity 30 years so CI never breaks. EC P-256 throughout.
#   fake-public-root  stands for a public CA an image already trusts (baked into the test images)
#   public-root-2/3   two more public roots: with fake-public-root, the image's own OS bundle
#   corp-ca           the enterprise CA cainjekt injects
#   corp-ca2          a second enterprise CA, for rotation
#   corp-ca-rekeyed   corp-ca's subject with a new key: same subject hash, other DER
#   corp-issuing      intermediate CA under corp-ca (chain case: server sends leaf + intermediate)
#   <ca>-leaf         server cert for DNS:localhost + IP:127.0.0.1 signed by <ca>
#   image-bundle.pem  the three public roots in one PEM file
#   cacerts.jks/.p12  a JDK-like cacerts holding the three public roots (password changeit)
#   hostile/          inputs the trust engine must reject or warn about
# Keeps every key, certificate and store that exists and makes only the missing ones: the e2e
# image cache keys hash fake-public-root.crt (e2e/images/build.sh). Delete the generated files to
# make the whole PKI anew. Needs openssl and a JDK's keytool.
# Usage: generate.sh [OUT_DIR]   (default: the directory of this script)
set -euo pipefail
out=${1:-$(cd "$(dirname "$0")" && pwd)}
days=10957
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/hostile"

cat >"$work/ext.cnf" <<'CNF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[intermediate]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

# root NAME CN
root() {
  [[ -e $out/$1.crt ]] && return
  key "$out/$1.key"
  openssl req -new -x509 -key "$out/$1.key" -out "$out/$1.crt" -days "$days" -sha256 \
    -subj "/O=cainjekt e2e/CN=$2" -config "$work/ext.cnf" -extensions root
}

# issue NAME CN ISSUER EXTENSIONS
issue() {
  [[ -e $out/$1.crt ]] && return
  key "$out/$1.key"
  openssl req -new -key "$out/$1.key" -subj "/O=cainjekt e2e/CN=$2" -out "$work/$1.csr"
  openssl x509 -req -in "$work/$1.csr" -CA "$out/$3.crt" -CAkey "$out/$3.key" \
    -CAcreateserial -CAserial "$work/$3.srl" -days "$days" -sha256 \
    -extfile "$work/ext.cnf" -extensions "$4" -out "$out/$1.crt"
}

root fake-public-root "cainjekt test FakePublicRoot"
root corp-ca "cainjekt test CorpCA"
root corp-ca2 "cainjekt test CorpCA2"
root corp-ca-rekeyed "cainjekt test CorpCA"
root public-root-2 "cainjekt test PublicRoot2"
root public-root-3 "cainjekt test PublicRoot3"
issue corp-issuing "cainjekt test CorpCA Issuing" corp-ca intermediate
for ca in fake-public-root corp-ca corp-ca2 corp-issuing; do
  issue "$ca-leaf" localhost "$ca" leaf
done
# what a server under the intermediate presents: leaf first, then the intermediate
cat "$out/corp-issuing-leaf.crt" "$out/corp-issuing.crt" >"$out/corp-issuing-leaf-chain.pem"
# a bundle of both enterprise CAs (rotation overlap)
cat "$out/corp-ca.crt" "$out/corp-ca2.crt" >"$out/corp-ca-and-ca2.pem"
# the image's own OS bundle, and its Java stores
publics=(fake-public-root public-root-2 public-root-3)
for ca in "${publics[@]}"; do cat "$out/$ca.crt"; done >"$out/image-bundle.pem"
for type in jks p12; do
  [[ -e $out/cacerts.$type ]] && continue
  for ca in "${publics[@]}"; do
    keytool -importcert -noprompt -storetype "$([[ $type == jks ]] && echo JKS || echo PKCS12)" \
      -keystore "$out/cacerts.$type" -storepass changeit -alias "$ca" -file "$out/$ca.crt" >/dev/null 2>&1
  done
done

# hostile inputs
cat "$out/corp-ca.crt" "$out/corp-ca.key" >"$out/hostile/bundle-with-private-key.pem"
{ # a valid certificate followed by one whose base64 body is cut off, without END line
  cat "$out/corp-ca.crt"
  echo '-----BEGIN CERTIFICATE-----'
  sed -n '2,4p' "$out/corp-ca2.crt"
} >"$out/hostile/broken.pem"
cp "$out/corp-ca-leaf.crt" "$out/hostile/non-ca.pem"
# expired CA: `openssl ca` is the one OpenSSL 3.0 tool that takes explicit dates
expired_ca() {
key "$out/hostile/expired-ca.key"
mkdir -p "$work/ca"
: >"$work/ca/index.txt"
cat >"$work/ca.cnf" <<'CNF'
[ca]
default_ca = expired
[expired]
dir = WORK/ca
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = root
[any]
organizationName = optional
commonName = supplied
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
sed -i "s|WORK|$work|" "$work/ca.cnf"
echo 01 >"$work/ca/serial"
openssl req -new -key "$out/hostile/expired-ca.key" -subj "/O=cainjekt e2e/CN=cainjekt test ExpiredCA" \
  -out "$work/expired.csr"
openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$out/hostile/expired-ca.key" \
  -startdate 20000101000000Z -enddate 20010101000000Z -in "$work/expired.csr" \
  -out "$work/expired.crt" 2>/dev/null
openssl x509 -in "$work/expired.crt" -out "$out/hostile/expired-ca.pem"
rm "$out/hostile/expired-ca.key"
}
[[ -e $out/hostile/expired-ca.pem ]] || expired_ca
echo "generated in $out" >&2
