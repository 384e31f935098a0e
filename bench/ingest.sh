#!/usr/bin/env bash
# End-to-end ingest benchmark (docs/benchmarks.md, "Ingest"):
#
#   bench/ingest.sh [N]          N generated indicators, default 1000000
#
# 1. Generates N STIX 2.1 indicators (bench/gen_indicators.py, seeded) into
#    bench/out/indicators-N.ndjson, once; later runs reuse the file.
# 2. Times `build/ncert ingest` of that file into a fresh bench/out/bench.db
#    (WAL, synchronous=FULL: every batch durable), and of the MITRE ATT&CK ICS
#    bundle (../shared/data/attack/ics-attack.json) into another fresh db.
# 3. The physical limit: the same lines loaded as-is into an empty one-column
#    table by the sqlite3 shell (.import, one transaction, same page size,
#    journal_mode=WAL, synchronous=FULL). No parsing, validation or indexes:
#    what SQLite alone costs to make those bytes durable on this disk.
# 4. Prints both rates, their ratio, the database size against the input, and
#    the machine; writes the figures to bench/out/ingest-N.json too.
#
# Times are wall clock around each whole command (process start to exit,
# including the final WAL checkpoint), so both sides pay the same overheads.
# Run it on an otherwise idle machine: other work on the cores or the disk
# shows up directly in the figures (the script prints the load average).
set -euo pipefail

N="${1:-1000000}"
if ! [[ "$N" =~ ^[0-9]+$ ]] || ((N < 1)); then
  echo "usage: bench/ingest.sh [N]   (N = number of indicators, default 1000000)" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
NCERT="build/ncert"
OUT="bench/out"
INPUT="$OUT/indicators-$N.ndjson"
DB="$OUT/bench.db"
RAW_DB="$OUT/raw.db"
ATTACK_DB="$OUT/attack.db"
ATTACK="../shared/data/attack/ics-attack.json"
PAGE_SIZE=16384  # the page size ncert gives new stores (src/store/sqlite_store.cc)

die() { echo "bench/ingest.sh: $*" >&2; exit 1; }

[[ -x "$NCERT" ]] || die "$NCERT not found; build it first: make build
  (or: cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && ninja -C build ncert)"
"$NCERT" ingest --help >/dev/null 2>&1 || die "$NCERT has no 'ingest' command"
command -v sqlite3 >/dev/null || die "sqlite3 not found (apt-get install sqlite3; scripts/deps does it)"
command -v python3 >/dev/null || die "python3 not found"

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
rate() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$1" "$2"; }
size() { local total=0 f; for f in "$@"; do [[ -f "$f" ]] && total=$((total + $(stat -L -c %s "$f"))); done; echo "$total"; }
fresh() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }
json_field() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

mkdir -p "$OUT"

# 1. Input, generated once.
if [[ -f "$INPUT" ]] && [[ "$(wc -l < "$INPUT")" -eq "$N" ]]; then
  echo "input: $INPUT (cached)"
else
  echo "input: generating $N indicators into $INPUT ..."
  python3 bench/gen_indicators.py "$N" "$INPUT.tmp"
  mv "$INPUT.tmp" "$INPUT"
fi
INPUT_BYTES=$(size "$INPUT")

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
sync  # start from a clean page cache writeback state

# 2a. ncert ingest of the generated indicators.
fresh "$DB"
t0=$(now)
"$NCERT" --json -q --db "$DB" ingest "$INPUT" > "$OUT/ncert-ingest.json" \
  || die "ncert ingest failed (see $OUT/ncert-ingest.json)"
t1=$(now)
NCERT_S=$(elapsed "$t0" "$t1")
NEW=$(json_field "$OUT/ncert-ingest.json" new)
REJECTED=$(json_field "$OUT/ncert-ingest.json" rejected)
[[ "$NEW" -eq "$N" && "$REJECTED" -eq 0 ]] \
  || die "ncert stored $NEW new objects and rejected $REJECTED; expected $N and 0"
DB_BYTES=$(size "$DB" "$DB-wal")
NCERT_RATE=$(rate "$N" "$NCERT_S")

# 2b. ncert ingest of the ATT&CK ICS bundle.
ATTACK_LINE="skipped ($ATTACK not found)"
ATTACK_OBJECTS=0
ATTACK_S=0
if [[ -f "$ATTACK" ]]; then
  fresh "$ATTACK_DB"
  t0=$(now)
  "$NCERT" --json -q --db "$ATTACK_DB" ingest "$ATTACK" > "$OUT/ncert-attack.json" \
    || die "ncert ingest of $ATTACK failed (see $OUT/ncert-attack.json)"
  t1=$(now)
  ATTACK_S=$(elapsed "$t0" "$t1")
  ATTACK_OBJECTS=$(json_field "$OUT/ncert-attack.json" objects)
  ATTACK_LINE="$ATTACK_OBJECTS objects in ${ATTACK_S} s = $(rate "$ATTACK_OBJECTS" "$ATTACK_S") objects/s (rejected $(json_field "$OUT/ncert-attack.json" rejected))"
fi

# 3. The physical limit: raw inserts of the same lines by the sqlite3 shell.
# .import in csv mode with a field separator (0x1F) that JSON text cannot
# contain unescaped: each line becomes one row, byte for byte.
fresh "$RAW_DB"
t0=$(now)
sqlite3 "$RAW_DB" > /dev/null <<EOF
PRAGMA page_size = $PAGE_SIZE;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA cache_size = -131072;
CREATE TABLE t (j TEXT);
.mode csv
.separator "\037" "\n"
BEGIN;
.import $INPUT t
COMMIT;
EOF
t1=$(now)
RAW_S=$(elapsed "$t0" "$t1")
RAW_ROWS=$(sqlite3 "$RAW_DB" "SELECT count(*) FROM t")
[[ "$RAW_ROWS" -eq "$N" ]] || die "sqlite3 .import loaded $RAW_ROWS rows, expected $N"
RAW_RATE=$(rate "$N" "$RAW_S")
RAW_BYTES=$(size "$RAW_DB" "$RAW_DB-wal")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# 4. Report.
RATIO=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$RAW_RATE" "$NCERT_RATE")
SIZE_RATIO=$(python3 -c "import sys; print(f'{int(sys.argv[1]) / int(sys.argv[2]):.3f}')" "$DB_BYTES" "$INPUT_BYTES")
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
verdict() { python3 -c "import sys; print('met' if float(sys.argv[1]) $2 float(sys.argv[3]) else 'MISSED')" "$1" "$2" "$3"; }

cat <<EOF

== ncert ingest benchmark, $DATE
machine      : $(nproc) cores, $CPU, Linux $(uname -r), $(df -h "$OUT" | awk 'NR==2 {print $1}')
load average : $LOAD_BEFORE before, $LOAD_AFTER after
input        : $N indicators, $INPUT_BYTES bytes ($(rate "$INPUT_BYTES" "$N") bytes each)
ncert ingest : ${NCERT_S} s = $NCERT_RATE objects/s, durable (WAL, synchronous=FULL, batches of the ingest default)
raw sqlite3  : ${RAW_S} s = $RAW_RATE objects/s (.import into one TEXT column, one transaction)
ratio        : raw / ncert = ${RATIO}x
database     : $DB_BYTES bytes = ${SIZE_RATIO}x the input ($(rate "$DB_BYTES" "$N") bytes per object; raw table: $RAW_BYTES bytes)
ATT&CK ICS   : $ATTACK_LINE
goals        : >=100,000 objects/s: $(verdict "$NCERT_RATE" '>=' 100000); within 2x of raw: $(verdict "$RATIO" '<=' 2); db <= 1.5x input: $(verdict "$SIZE_RATIO" '<=' 1.5)
EOF

cat > "$OUT/ingest-$N.json" <<EOF
{"date":"$DATE","nproc":$(nproc),"cpu":"$CPU","load_before":"$LOAD_BEFORE","load_after":"$LOAD_AFTER",
 "n":$N,"input_bytes":$INPUT_BYTES,
 "ncert_seconds":$NCERT_S,"ncert_objects_per_s":$NCERT_RATE,"db_bytes":$DB_BYTES,"db_over_input":$SIZE_RATIO,
 "raw_seconds":$RAW_S,"raw_objects_per_s":$RAW_RATE,"raw_over_ncert":$RATIO,
 "attack_objects":$ATTACK_OBJECTS,"attack_seconds":$ATTACK_S}
EOF
echo "figures      : $OUT/ingest-$N.json"
