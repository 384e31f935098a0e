#!/usr/bin/env bash
# HTTP serving benchmark (docs/benchmarks.md, "Serving"):
#
#   bench/serve.sh [N] [SECONDS]   N indicators in the store (default
#                                  1000000), each wrk run SECONDS long (10)
#
# 1. Makes a store of N generated indicators once (bench/gen_indicators.py and
#    `ncert ingest`, shared with every member), bench/out/serve-N.db, with a
#    member and a token.
# 2. Starts `ncert serve` on 127.0.0.1 (2 worker threads, no access log) and
#    loads it with wrk at 64 and 256 connections:
#      GET /healthz                      (anonymous)
#      GET /api/v1/objects?limit=100     (bearer token: authenticated,
#                                         policy-checked, audited)
# 3. The ceiling in the same run: wrk against a static 2-byte response from
#    bench/http_hello (Beast, same thread count), and the peer library
#    (cpp-httplib, a thread per connection) when http_hello was built with it.
# 4. Prints req/s and p50/p99 latency of each, and ncert's ratio to the
#    ceiling; writes bench/out/serve-N.txt.
#
# wrk and the server share the machine's cores: the figures are of both.
set -euo pipefail

N="${1:-1000000}"
SECS="${2:-10}"
if ! [[ "$N" =~ ^[0-9]+$ && "$SECS" =~ ^[0-9]+$ ]] || ((N < 100 || SECS < 1)); then
  echo "usage: bench/serve.sh [N>=100] [SECONDS]" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
NCERT="build/ncert"
HELLO="build/bench/http_hello"
OUT="bench/out"
INPUT="$OUT/indicators-$N.ndjson"
DB="$OUT/serve-$N.db"
CONF="$OUT/serve.toml"
REPORT="$OUT/serve-$N.txt"
PORT=18443
HELLO_PORT=18444
die() { echo "bench/serve.sh: $*" >&2; exit 1; }
[[ -x "$NCERT" ]] || die "$NCERT not found; build it first (make build)"
[[ -x "$HELLO" ]] || die "$HELLO not found (cmake --build build --target http_hello)"
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk; scripts/deps does it)"
mkdir -p "$OUT"

# 1. The store, made once.
if [[ ! -f "$INPUT" ]] || [[ "$(wc -l < "$INPUT")" -ne "$N" ]]; then
  echo "input: generating $N indicators into $INPUT ..."
  python3 bench/gen_indicators.py "$N" "$INPUT.tmp"
  mv "$INPUT.tmp" "$INPUT"
fi
if [[ ! -f "$DB" || ! -f "$DB.token" ]]; then
  rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.token"
  echo "store: ingesting $N indicators into $DB ..."
  "$NCERT" -q --db "$DB" ingest --share-with all "$INPUT" > /dev/null
  "$NCERT" -q --db "$DB" org add "Bench Member" --type company > /dev/null
  "$NCERT" -q --db "$DB" user add bench --org "Bench Member" --role member > /dev/null
  "$NCERT" -q --db "$DB" token create --user bench > "$DB.token"
fi
TOKEN="$(head -1 "$DB.token")"
cat > "$CONF" <<TOML
[server]
threads = 2
access_log = ""
max_connections = 10000
TOML

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
# wait_port, run_wrk
source "$ROOT/bench/wrk_lib.sh"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "bench/serve.sh N=$N ${SECS}s per run, $(nproc) cores, load average before: $LOAD_BEFORE"
  echo "$(date -u +%Y-%m-%dT%H:%MZ)  wrk -t2 --latency; server: 2 worker threads"
  printf "%-46s %5s %10s %9s %9s %s\n" "what" "conns" "req/s" "p50" "p99" "vs ceiling"

  "$HELLO" beast "$HELLO_PORT" 2 > /dev/null & PIDS+=($!)
  wait_port "$HELLO_PORT"
  declare -A CEIL
  for c in 64 256; do
    read -r rps p50 p99 err <<<"$(run_wrk "$c" "http://127.0.0.1:$HELLO_PORT/")"
    CEIL[$c]="$rps"
    printf "%-46s %5s %10s %9s %9s %s\n" "ceiling: static 2 B (http_hello beast)" "$c" "$rps" "$p50" "$p99" "1.00 $err"
  done
  kill -TERM "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

  if "$HELLO" httplib "$((HELLO_PORT + 1))" 64 > /dev/null 2>&1 & then
    PIDS+=($!)
    sleep 0.5
    if kill -0 "${PIDS[-1]}" 2>/dev/null; then
      for c in 64 256; do
        read -r rps p50 p99 err <<<"$(run_wrk "$c" "http://127.0.0.1:$((HELLO_PORT + 1))/")"
        ratio=$(python3 -c "print(f'{float($rps)/float(${CEIL[$c]}):.3f}')")
        printf "%-46s %5s %10s %9s %9s %s\n" "peer: static 2 B (cpp-httplib, 64 threads)" "$c" "$rps" "$p50" "$p99" "$ratio $err"
      done
      kill -TERM "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
    fi
  fi

  "$NCERT" -q --db "$DB" --config "$CONF" serve --listen "127.0.0.1:$PORT" > /dev/null & PIDS+=($!)
  wait_port "$PORT"
  for c in 64 256; do
    read -r rps p50 p99 err <<<"$(run_wrk "$c" "http://127.0.0.1:$PORT/healthz")"
    ratio=$(python3 -c "print(f'{float($rps)/float(${CEIL[$c]}):.3f}')")
    printf "%-46s %5s %10s %9s %9s %s\n" "ncert GET /healthz" "$c" "$rps" "$p50" "$p99" "$ratio $err"
  done
  for c in 64 256; do
    read -r rps p50 p99 err <<<"$(run_wrk "$c" "http://127.0.0.1:$PORT/api/v1/objects?limit=100" -H "Authorization: Bearer $TOKEN")"
    ratio=$(python3 -c "print(f'{float($rps)/float(${CEIL[$c]}):.3f}')")
    printf "%-46s %5s %10s %9s %9s %s\n" "ncert GET /api/v1/objects?limit=100 (token)" "$c" "$rps" "$p50" "$p99" "$ratio $err"
  done
  kill -TERM "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$REPORT"
