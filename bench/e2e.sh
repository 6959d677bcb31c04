#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one end-to-end benchmark (or all) against a private containerd with NRI and the packaged
# plugin, as root, then summarises target/bench/*.json into target/bench/report.md.
#
# usage: bench/e2e.sh FIGURE [MAVEN_ARGS...]
#   start-latency  CRI Create/StartContainer, opted-in vs plain, interleaved  (StartLatencyBench)
#                  -Dbench.image=debian-tls|busybox|rhel-tls|...  -Dbench.n=200
#                  -Dbench.cas=1,10,100,300,1000 (one run per bundle size)
#                  -Dbench.caches-off=none,trust,plans,trust+plans (one run per variant,
#                  the plugin started with those caches keeping nothing: what each buys)
#   burst          100 pods x 2 containers at once: all injected, no timeouts (BurstBench)
#   startup        plugin start-to-ready and idle RSS, 5 runs                (PluginStartupBench)
#   staging        staging bytes: 300 containers of one image, 10 images     (StagingBytesBench)
#   soak           2000 lifecycles, leak checks, RSS after 2000 (SoakIT; also runs in CI)
#   soak-rss       VmRSS curve, 7 images with CA stores, bundle 1->300->1000->300 CAs
#                  (RealImageSoakIT; also in CI; -Dsoak.nmt=true adds NMT summaries, GC log)
#   rotation       50 running containers converge: 1->1, 1->300, 300->300 CAs  (RotationBench)
#   all            every one of them in one Maven run
# Results: target/bench/<name>.json (+ target/bench/soak-series.csv, soak-rss-*.csv).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A TESTS=(
  [start-latency]=StartLatencyBench
  [burst]=BurstBench
  [startup]=PluginStartupBench
  [staging]=StagingBytesBench
  [soak]=SoakIT
  [soak-rss]=RealImageSoakIT
  [rotation]=RotationBench
)
figure=${1:-}
if [[ $figure == all ]]; then
  tests=$(IFS=,; echo "${TESTS[*]}")
elif [[ -n $figure && -n ${TESTS[$figure]:-} ]]; then
  tests=${TESTS[$figure]}
else
  sed -n '3,20p' "$0" >&2
  exit 2
fi
shift
[[ $(id -u) -eq 0 ]] || { echo "bench/e2e.sh: needs root (containerd)" >&2; exit 2; }
# on containerd 1.7 only (-Dcainjekt.containerd=2.1 measures 2.1): one result file per figure
./mvnw -B verify -Dit.test="$tests" -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.failIfNoSpecifiedTests=false -Dcontainerd21.skip=true "$@"
bench/report.sh
