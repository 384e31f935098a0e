#!/usr/bin/env bash
# Block-list export benchmark (docs/benchmarks.md, "Block lists"):
#
#   bench/blocklist.sh [N]     N generated indicators, default 1000000
#
# 1. Generates N indicators with bench/gen_indicators.py (the same seeded
#    file bench/ingest.sh uses, reused when present) and ingests them into a
#    fresh bench/out/blocklist.db.
# 2. The limit: `ncert export --type indicator` of the same store to a file,
#    timed in the same run: reading every indicator through the access policy
#    and writing it out, with no pattern work.
# 3. `ncert indicators export --format F` for each of the six formats, to a
#    file. Every indicator is parsed, checked for validity, its pattern
#    compiled and each value matched alone and validated.
# 4. Prints indicators/s for each and the ratio to the limit; writes the
#    figures to bench/out/blocklist-N.json.
#
# Times are wall clock around each command. Run on an idle machine; the
# script prints the load average.
set -euo pipefail

N="${1:-1000000}"
if ! [[ "$N" =~ ^[0-9]+$ ]] || ((N < 1)); then
  echo "usage: bench/blocklist.sh [N]   (N = number of indicators, default 1000000)" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
NCERT="build/ncert"
OUT="bench/out"
INPUT="$OUT/indicators-$N.ndjson"
DB="$OUT/blocklist.db"
die() { echo "bench/blocklist.sh: $*" >&2; exit 1; }
[[ -x "$NCERT" ]] || die "$NCERT not found; build it first: make build"
"$NCERT" indicators export --help >/dev/null 2>&1 || die "$NCERT has no 'indicators export' command"
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
rate() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$1" "$2"; }
mkdir -p "$OUT"

if [[ -f "$INPUT" ]] && [[ "$(wc -l < "$INPUT")" -eq "$N" ]]; then
  echo "input: $INPUT (cached)"
else
  echo "input: generating $N indicators into $INPUT"
  python3 bench/gen_indicators.py "$N" "$INPUT"
fi
rm -f "$DB" "$DB-wal" "$DB-shm"
echo "store: ingesting into $DB"
"$NCERT" --db "$DB" --quiet ingest "$INPUT" >/dev/null

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(now)
"$NCERT" --db "$DB" --quiet export --type indicator > "$OUT/bl-limit.json"
t1=$(now)
limit_s=$(elapsed "$t0" "$t1")
limit_rate=$(rate "$N" "$limit_s")
printf '%-22s %8s s %10s indicators/s\n' "ncert export (limit)" "$limit_s" "$limit_rate"
json="{\"n\":$N,\"limit_seconds\":$limit_s,\"limit_rate\":$limit_rate,\"formats\":{"
first=1
for f in stix csv txt suricata rpz nftables; do
  t0=$(now)
  "$NCERT" --db "$DB" --json indicators export --format "$f" -o "$OUT/bl.$f" > "$OUT/bl-$f-summary.json"
  t1=$(now)
  s=$(elapsed "$t0" "$t1")
  r=$(rate "$N" "$s")
  ratio=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$r" "$limit_rate")
  values=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(d['values'].values()), len(d['skipped']))" "$OUT/bl-$f-summary.json")
  printf '%-22s %8s s %10s indicators/s  %sx the limit  (values written, skipped: %s)\n' \
    "indicators export $f" "$s" "$r" "$ratio" "$values"
  [[ $first -eq 1 ]] || json+=","
  first=0
  json+="\"$f\":{\"seconds\":$s,\"rate\":$r,\"ratio\":$ratio}"
done
json+="}}"
echo "$json" > "$OUT/blocklist-$N.json"
echo "figures: $OUT/blocklist-$N.json"
