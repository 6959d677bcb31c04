#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Start-to-ready and idle RSS of the plugin on the image's runtime: the jlink'd Java of
# deploy/image/jlink.sh, with and without its AOT cache, bin/jvm.options and the chart's memory
# limit (-XX:MaxRAM=256m), RUNS times each, interleaved, against a private containerd with NRI.
# "ready" is spawn to the "nri: synchronized" log line; RSS is VmRSS 6 s later (no containers).
# Needs root and a packaged jar (./mvnw -DskipTests package). Prints one line per run and a summary;
# writes target/bench/startup-image.json (summarised by bench/report.sh).
#
# usage: bench/startup-image.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[[ $(id -u) -eq 0 ]] || { echo "startup-image.sh: needs root (containerd)" >&2; exit 2; }
[[ -f target/cainjekt.jar ]] || { echo "startup-image.sh: build the jar first" >&2; exit 2; }
bash deploy/image/jlink.sh >/dev/null 2>&1
work=$PWD/target/bench/startup-image
ctrd=$work/containerd
mkdir -p "$work"
e2e/containerd.sh start "$ctrd" >/dev/null
trap 'e2e/containerd.sh stop "$ctrd" >/dev/null 2>&1 || true' EXIT
nri=$(e2e/containerd.sh paths "$ctrd" | sed -n 's/^NRI_SOCKET=//p')

one() { # $1 label, rest: JVM options
  local label=$1 log=$work/plugin.log start pid ready rss i
  shift
  rm -rf "$work/staging"
  start=$(date +%s%N)
  target/jre/bin/java @bin/jvm.options -XX:MaxRAM=256m "$@" -jar target/cainjekt.jar run \
    --nri-socket "$nri" --ca-bundle src/test/resources/pki/corp-ca.crt \
    --staging-dir "$work/staging" --http-address 127.0.0.1:19097 --kubernetes off >"$log" 2>&1 &
  pid=$!
  for ((i = 0; i < 3000; i++)); do
    grep -q "nri: synchronized" "$log" && break
    kill -0 "$pid" 2>/dev/null || { echo "startup-image.sh: plugin exited: $(head -3 "$log")" >&2; exit 1; }
    sleep 0.01
  done
  ready=$((($(date +%s%N) - start) / 1000000))
  sleep 6
  rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$label ready_ms=$ready rss_kib=$rss"
}

results=()
for ((r = 0; r < runs; r++)); do
  results+=("$(one aot -XX:AOTMode=on -XX:AOTCache=target/cainjekt.aot)")
  results+=("$(one no-aot)")
done
printf '%s\n' "${results[@]}"
printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys, datetime, os
rows = [l.split() for l in sys.stdin if l.strip()]
figures = {"runs": len(rows) // 2}
for label in ("aot", "no-aot"):
    ready = [int(r[1].split("=")[1]) for r in rows if r[0] == label]
    rss = [int(r[2].split("=")[1]) / 1024 for r in rows if r[0] == label]
    key = label.replace("-", "_")
    figures[key] = {"ready_ms_median": statistics.median(ready), "ready_ms_max": max(ready),
                    "rss_mib_median": round(statistics.median(rss), 1), "rss_mib_max": round(max(rss), 1)}
    print(label, figures[key])
out = {"benchmark": "startup-image",
       "what": "start to ready and idle RSS on the image runtime, with and without its AOT cache",
       "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
       "machine": {"nproc": os.cpu_count(), "cpu": "", "memory_mib": "", "kernel": os.uname().release,
                   "jdk": "jlink runtime", "containerd": "", "note": ""},
       "figures": figures}
json.dump(out, open("target/bench/startup-image.json", "w"), indent=1)
'
