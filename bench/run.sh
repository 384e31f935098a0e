#!/usr/bin/env bash
# `make bench`: every benchmark, then the end-to-end ones: ingest, block-list
# export, darknet, matching (1,000,000 indicators against 1 GB; grep timed
# on the first 100 MB, yara given 150 s) and TAXII serving.
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

ninja -C build store_benchmark pattern_benchmark sim_benchmark access_benchmark telemetry_benchmark match_benchmark json_parse_limit darknet_gen sensors_benchmark ncert >/dev/null
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
echo "== bench/match.sh $N 1000"
GREP_MB="${GREP_MB:-100}" YARA_TIMEOUT="${YARA_TIMEOUT:-150}" bash bench/match.sh "$N" 1000
echo "== bench/taxii.sh $N"
bash bench/taxii.sh "$N"
