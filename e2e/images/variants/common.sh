# SPDX-License-Identifier: Apache-2.0
# Sourced by the variant scripts: each turns a copy of the debian-tls rootfs into another
# family's trust-store layout (docs/architecture.md, "Distro table") and points every client at that family's paths,
# so a test on the variant fails when the family's own files are not rewritten.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/lib.sh"
root=$1
jre=usr/lib/jvm/java-17-openjdk-amd64
debian_bundle=/etc/ssl/certs/ca-certificates.crt
cd "$root"

# os_release LINES... : replaces /usr/lib/os-release (/etc/os-release links to it, as on most
# distributions) and drops Debian's own markers.
os_release() {
  printf '%s\n' "$@" >usr/lib/os-release
  rm -f etc/debian_version etc/lsb-release
}

# copy_store SRC DEST : a regular-file copy of one of Debian's stores, mode 0644
copy_store() {
  mkdir -p "$(dirname "${2#/}")"
  cp -L "${1#/}" "${2#/}"
  chmod 0644 "${2#/}"
}

# link TARGET LINK : (re)creates the symlink LINK -> TARGET, inside the rootfs
link() {
  mkdir -p "$(dirname "${2#/}")"
  rm -rf "${2#/}"
  ln -s "$1" "${2#/}"
}

# openssl_defaults FILE DIR : OpenSSL's compiled-in OPENSSLDIR is /usr/lib/ssl, so its default
# CA file and directory are /usr/lib/ssl/cert.pem and /usr/lib/ssl/certs: repoint both.
# openssl s_client, python ssl (load_default_certs) and node (built with the system store)
# follow them; SSL_CERT_FILE / SSL_CERT_DIR still override them as everywhere.
openssl_defaults() {
  link "$1" /usr/lib/ssl/cert.pem
  link "$2" /usr/lib/ssl/certs
}

# curl_ca_file PATH : libcurl has Debian's CA file compiled in; rewrite the string in place
# (NUL-padded, never longer) as if curl had been built with --with-ca-bundle=PATH, as the family does.
curl_ca_file() {
  local lib
  lib=$(ls usr/lib/x86_64-linux-gnu/libcurl.so.4.*.*)
  python3 - "$lib" "$debian_bundle" "$1" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2].encode() + b"\0", sys.argv[3].encode()
data = open(path, "rb").read()
if data.count(old) != 1 or len(new) >= len(old):
    sys.exit("curl_ca_file: %s holds %r %d times (want 1), new length %d" % (path, old, data.count(old), len(new)))
open(path, "wb").write(data.replace(old, new.ljust(len(old), b"\0")))
PY
}

# certifi_where PATH : Debian's python3-certifi is patched to return the OS bundle; the other
# families patch it the same way to their own bundle, which is what requests then reads.
certifi_where() {
  sed -i "s|$debian_bundle|$1|" usr/lib/python3/dist-packages/certifi/core.py
  grep -qF "$1" usr/lib/python3/dist-packages/certifi/core.py
}

# java_cacerts PATH : the JRE's lib/security/cacerts is a symlink to the OS-managed keystore
java_cacerts() {
  link "$1" "/$jre/lib/security/cacerts"
}
