#!/usr/bin/env bash
# `make bench`: every benchmark, then the end-to-end ingest and block-list
# export benchmarks.
#
#   bench/run.sh [N]     N indicators for bench/ingest.sh (default 1000000;
#                        also BENCH_N=...)
#
# Expects the Release build in build/ (make bench builds it first). Results
# go to stdout; docs/benchmarks.md says what each one measures.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
N="${1:-${BENCH_N:-1000000}}"

ninja -C build store_benchmark pattern_benchmark sim_benchmark access_benchmark telemetry_benchmark darknet_gen sensors_benchmark ncert >/dev/null
for bin in build/bench/*_benchmark; do
  [[ -x "$bin" ]] || continue
  echo "== $bin"
  "$bin"
done
echo "== bench/ingest.sh $N"
bash bench/ingest.sh "$N"
echo "== bench/blocklist.sh $N"
bash bench/blocklist.sh "$N"
echo "== bench/darknet.sh"
bash bench/darknet.sh
