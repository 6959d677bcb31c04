#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates the PKI fixtures of the inject tests (run from this directory; needs openssl and a
# JDK's keytool). Everything is test-only: private keys are committed on purpose.
#   corp-ca       CorpCA, the enterprise root being injected
#   corp-ca-2     a second CorpCA with the same subject (new key): same subject hash, other DER
#   public-root-* FakePublicRoot and two more roots: the image's own OS bundle
#   *-leaf        server certificates (localhost) signed by corp-ca and public-root-1
#   cacerts.jks / cacerts.p12  a JDK-like cacerts holding the public roots (password changeit)
set -euo pipefail
cd "$(dirname "$0")"
days=7300
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
root() { # name subject
  key "$1"
  openssl req -x509 -new -key "$1.key" -subj "$2" -days $days -sha256 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out "$1.pem"
}
leaf() { # name issuer
  key "$1"
  openssl req -new -key "$1.key" -subj "/CN=localhost" -out "$1.csr"
  printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days $days \
    -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext" "$2.srl"
}
root corp-ca "/C=DE/O=Corp Example/CN=CorpCA Root"
root corp-ca-2 "/C=DE/O=Corp Example/CN=CorpCA Root"
root public-root-1 "/C=US/O=Fake Public Trust/CN=FakePublicRoot"
root public-root-2 "/C=US/O=Other Public Trust/CN=Other Public Root R2"
root public-root-3 "/C=GB/O=Third Public/CN=Third Public Root"
leaf corp-leaf corp-ca
leaf public-leaf public-root-1
cat public-root-1.pem public-root-2.pem public-root-3.pem > image-bundle.pem
rm -f cacerts.jks cacerts.p12
for n in 1 2 3; do
  keytool -importcert -noprompt -storetype JKS -keystore cacerts.jks -storepass changeit \
    -alias "public-root-$n" -file "public-root-$n.pem" >/dev/null
  keytool -importcert -noprompt -storetype PKCS12 -keystore cacerts.p12 -storepass changeit \
    -alias "public-root-$n" -file "public-root-$n.pem" >/dev/null
done
