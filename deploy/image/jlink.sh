#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the small Java runtime the image ships: jdeps finds the JDK modules that
# target/cainjekt.jar uses, jlink links only those, and an optional
# JDK 25 AOT cache (JEP 483/514) is trained on the jar for fast start. The Dockerfile runs the same
# steps; locally the result lands in target/jre and target/cainjekt.aot:
#
#   deploy/image/jlink.sh                       # target/jre + target/cainjekt.aot
#   JAVA_HOME=target/jre bin/cainjekt version   # run the plugin on it
#
# Options: --jar JAR (default target/cainjekt.jar), --output DIR (default target/jre),
# --aot FILE (default target/cainjekt.aot; "none" skips training). The AOT cache is only valid
# for the same runtime and the jar at the same path with the same size and mtime.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=$root/target/cainjekt.jar
out=$root/target/jre
aot=$root/target/cainjekt.aot
while (($#)); do
  case $1 in
    --jar) jar=$2; shift 2 ;;
    --output) out=$2; shift 2 ;;
    --aot) aot=$2; shift 2 ;;
    *) echo "jlink.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f $jar ]] || { echo "jlink.sh: $jar not found; run ./mvnw -DskipTests package first" >&2; exit 1; }
if [[ -f $root/bin/find-jdk ]]; then
  . "$root/bin/find-jdk"
  cainjekt_use_jdk 25
fi
[[ -x ${JAVA_HOME:-}/bin/jlink ]] || { echo "jlink.sh: JAVA_HOME must be a JDK 25 with jlink" >&2; exit 1; }

# Modules: what jdeps finds in the jar, plus what it cannot see (ServiceLoader, reflection),
# minus what only optional code paths use:
#   + jdk.management   com.sun.management MXBeans read by the Prometheus JVM metrics
#   + java.xml         logback's XML configurator (org.xml.sax); observe.LogDefaults keeps it
#                      unloaded, but logback-classic links against it
#   - java.desktop     optional support of libraries (java.beans) the plugin does not use
#   - java.sql         optional support of libraries (java.sql types) the plugin does not use
# Override with CAINJEKT_JLINK_ADD / CAINJEKT_JLINK_EXCLUDE (comma-separated).
add=${CAINJEKT_JLINK_ADD-jdk.management,java.xml}
exclude=${CAINJEKT_JLINK_EXCLUDE-java.desktop,java.sql}
found=$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$jar")
modules=$(printf '%s,%s\n' "$found" "$add" | tr ',' '\n' | grep -v '^$' \
  | grep -vxF -f <(printf '%s\n' "$exclude" | tr ',' '\n' | grep -v '^$'; echo '-') \
  | sort -u | paste -sd, -)
echo "jlink.sh: modules $modules" >&2

rm -rf "$out"
"$JAVA_HOME/bin/jlink" \
  --add-modules "$modules" \
  --output "$out" \
  --strip-debug --no-man-pages --no-header-files \
  --compress zip-6
# No --generate-cds-archive: the default CDS archives (2 x 14 MiB) only speed up JVMs started
# without the AOT cache below, which is itself a complete archive for the plugin.
printf '%s\n' "$modules" | tr ',' '\n' >"$out/cainjekt-modules.txt"

if [[ $aot != none ]]; then
  rm -f "$aot"
  # Training run: one start of the CLI with the plugin's JVM options (a cache is only used by a
  # JVM with a matching GC). The cache holds the classes it loaded and linked.
  "$out/bin/java" "@$root/bin/jvm.options" -XX:AOTCacheOutput="$aot" -Xlog:aot=warning \
    -jar "$jar" --help >/dev/null
  [[ -f $aot ]] || { echo "jlink.sh: the JVM wrote no AOT cache to $aot" >&2; exit 1; }
fi
du -sk "$out" | awk '{printf "jlink.sh: runtime %s: %.1f MiB\n", $2, $1/1024}' >&2
