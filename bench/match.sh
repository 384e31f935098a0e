#!/usr/bin/env bash
# End-to-end matching benchmark (docs/benchmarks.md, "Matching end to end"):
#
#   bench/match.sh [N_INDICATORS] [EVENT_MB]     defaults 1000000 and 1000
#
# 1. Generates N indicators (bench/gen_indicators.py: IPv4, domain, URL and
#    hash patterns) plus 1,000 regex indicators (MATCHES on url:value), and
#    ingests them into a fresh store (timed apart: not part of the ratio).
# 2. Generates EVENT_MB of NDJSON telemetry (bench/gen_events.py: EVE, Cowrie,
#    Zeek and ECS shapes), with 10,000 indicator values planted.
# 3. Runs, on the same files, in one run:
#      ncert match --json (output to /dev/null): events/s and MB/s;
#      the limit: simdjson parsing the files alone (build/bench/json_parse_limit);
#      peers with the exact-value indicators only: LC_ALL=C grep -F -f, and
#      yara with one string per value (if yara can compile that many).
# 4. Prints each figure and the ratios; writes bench/out/match-N.json.
#
# Times are wall clock (and CPU: user+sys) around each whole command. Run on
# an otherwise idle machine; the script prints the load average. REPEAT=N
# (default 3): ncert and the limit each run N times, the best run kept.
# GREP_MB=N: time grep on the first N MB only (it runs at ~1 MB/s with a
# million patterns); YARA_TIMEOUT=S: give up on yara after S seconds.
set -euo pipefail

N="${1:-1000000}"
MB="${2:-1000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
NCERT=build/ncert
LIMIT=build/bench/json_parse_limit
OUT=bench/out
W="$OUT/match-$N-$MB"
die() { echo "bench/match.sh: $*" >&2; exit 1; }
[[ -x "$NCERT" && -x "$LIMIT" ]] || die "build first: ninja -C build ncert json_parse_limit"
mkdir -p "$W"

# 1. Indicators.
if [[ ! -s "$W/indicators.ndjson" ]]; then
  echo "generating $N indicators + 1000 regexes ..."
  python3 bench/gen_indicators.py "$N" "$W/plain.ndjson"
  python3 - "$W/plain.ndjson" "$W/indicators.ndjson" "$W/values.txt" <<'PY'
import json, random, re, sys, uuid
src, dst, values = sys.argv[1:4]
r = random.Random(7)
simple = re.compile(r"^\[[a-z0-9-]+:[a-z0-9_.'-]+(?:\.'[A-Z0-9-]+')? = '([^']*)'\]$")
with open(src) as f, open(dst, "w") as out, open(values, "w") as v:
    for line in f:
        out.write(line)
        m = simple.match(json.loads(line)["pattern"])
        if m:
            v.write(m.group(1) + "\n")
    for i in range(1000):
        pid = uuid.UUID(int=r.getrandbits(128), version=4)
        pat = "[url:value MATCHES '^https?://[a-z0-9.-]+/(?:wp-admin|cgi-bin|shell)/x%d[a-z]{2}\\\\.php']" % i
        out.write(json.dumps({"type": "indicator", "spec_version": "2.1",
            "id": "indicator--%s" % pid, "created": "2026-01-01T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z", "pattern": pat,
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}) + "\n")
PY
fi
# 2. Events, with planted values.
if [[ ! -s "$W/events/eve.json" ]]; then
  echo "generating $MB MB of telemetry ..."
  # Domains only: they are planted in the events' domain field.
  grep -E '^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$' "$W/values.txt" |
    shuf -n 10000 --random-source=<(yes) > "$W/plant.txt" || true
  python3 bench/gen_events.py --mb "$MB" --seed 1 --out "$W/events" \
    --plant "$W/plant.txt" --plant-field domain --plant-rate 0.001 \
    --planted "$W/planted.tsv"
fi
EVENTS=("$W"/events/*.json)
BYTES=$(cat "${EVENTS[@]}" | wc -c)

DB="$W/store.db"
if [[ ! -s "$DB" ]]; then
  echo "ingesting the indicators ..."
  "$NCERT" -q --db "$DB" ingest "$W/indicators.ndjson" >/dev/null
fi

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
cat "${EVENTS[@]}" "$DB" > /dev/null  # page cache warm for everyone
rm -f "$W"/*.time "$W"/*.summary "$W"/*.out

# timed NAME CMD...: wall and CPU seconds into $W/NAME.time
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$W/$name.time" "$@"
}
secs() { cut -d' ' -f1 "$W/$1.time"; }
cpu() { awk '{print $2 + $3}' "$W/$1.time"; }
rss() { awk '{printf "%.0f", $4 / 1024}' "$W/$1.time"; }

# The VM's speed drifts by 10-20 % from run to run (other tenants): each of
# the three is run REPEAT times (default 3) and its best run kept, the same
# rule for ncert and the limit.
REPEAT="${REPEAT:-3}"
# best NAME KEY: keeps the run of NAME.i with the smallest KEY ("seconds" or
# "cpu_seconds" of its summary; "wall" of its .time) as NAME.
best() {
  python3 - "$W" "$1" "$2" "$REPEAT" <<'PY'
import json, os, shutil, sys
w, name, key, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def score(i):
    if key == "wall":
        return float(open(f"{w}/{name}.{i}.time").read().split()[-4])
    return json.loads(open(f"{w}/{name}.{i}.summary").read())["summary"][key]
i = min(range(1, n + 1), key=score)
for ext in ("time", "summary", "out"):
    src = f"{w}/{name}.{i}.{ext}"
    if os.path.exists(src):
        shutil.copy(src, f"{w}/{name}.{ext}")
PY
}
for i in $(seq "$REPEAT"); do
  echo "ncert match, run $i of $REPEAT (one worker per core: reads in turn, parses, matches) ..."
  timed "ncert.$i" "$NCERT" -q --db "$DB" --json match "${EVENTS[@]}" > "$W/matches.ndjson"
  tail -1 "$W/matches.ndjson" > "$W/ncert.$i.summary"
  echo "ncert match --threads 0, run $i of $REPEAT (one thread: the per-core figure) ..."
  timed "ncert1.$i" "$NCERT" -q --db "$DB" --json match --threads 0 "${EVENTS[@]}" > "$W/matches1.ndjson"
  tail -1 "$W/matches1.ndjson" > "$W/ncert1.$i.summary"
  cmp -s <(head -n -1 "$W/matches.ndjson") <(head -n -1 "$W/matches1.ndjson") ||
    die "threaded and single-threaded runs printed different matches"
  echo "simdjson alone, run $i of $REPEAT ..."
  timed "limit.$i" "$LIMIT" "${EVENTS[@]}" > "$W/limit.$i.out"
done
best ncert seconds
best ncert1 cpu_seconds
best limit wall
cp "$W/ncert.summary" "$W/summary.json"
cp "$W/ncert1.summary" "$W/summary1.json"
cp "$W/limit.out" "$W/limit.json"
# grep -F -f with a million patterns runs at about 1 MB/s: GREP_MB=N times it
# on the first N MB of the events instead (its rate is what is compared).
GREP_INPUT=("${EVENTS[@]}")
GREP_BYTES=$BYTES
if [[ -n "${GREP_MB:-}" ]]; then
  (cat "${EVENTS[@]}" || true) | head -c "$((GREP_MB * 1000000))" > "$W/grep-cut.json"
  GREP_INPUT=("$W/grep-cut.json")
  GREP_BYTES=$(wc -c < "$W/grep-cut.json")
fi
echo "grep -F -f (${GREP_BYTES} bytes) ..."
timed grep sh -c "LC_ALL=C grep -F -c -f '$W/values.txt' ${GREP_INPUT[*]} > '$W/grep.out' || true"
YARA_NOTE=""
if command -v yara >/dev/null; then
  echo "yara ..."
  python3 - "$W/values.txt" "$W/rules.yar" <<'PY'
import sys
vals = [v.rstrip("\n") for v in open(sys.argv[1])]
with open(sys.argv[2], "w") as out:
    for i in range(0, len(vals), 10000):
        out.write("rule values_%d {\n strings:\n" % i)
        for j, v in enumerate(vals[i:i + 10000]):
            out.write('  $v%d = "%s"\n' % (j, v.replace("\\", "\\\\").replace('"', '\\"')))
        out.write(" condition:\n  any of them\n}\n")
PY
  # yara takes one target: the folder of event files.
  # yara compiles one string per value; with a million values that can take
  # longer than the whole match run: give up after YARA_TIMEOUT seconds.
  if ! timed yara timeout "${YARA_TIMEOUT:-600}" sh -c "yara -f -r '$W/rules.yar' '$W/events' > '$W/yara.out' 2> '$W/yara.err'"; then
    YARA_NOTE="yara did not finish within ${YARA_TIMEOUT:-600} s (or failed): $(head -c 200 "$W/yara.err" 2>/dev/null || true)"
  fi
fi

python3 - "$W" "$N" "$BYTES" "$LOAD" "$YARA_NOTE" "$GREP_BYTES" "$REPEAT" <<'PY'
import json, os, sys
w, n, size, load, yara_note = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
grep_mb = int(sys.argv[6]) / 1e6
repeat = int(sys.argv[7])
def t(name):
    p = os.path.join(w, name + ".time")
    if not os.path.exists(p): return None
    try:
        e, u, s, m = open(p).read().strip().splitlines()[-1].split()[:4]
        return {"wall": float(e), "cpu": float(u) + float(s), "rss_mb": int(m) / 1024}
    except (IndexError, ValueError):
        return None
s = json.load(open(os.path.join(w, "summary.json")))["summary"]
s1 = json.load(open(os.path.join(w, "summary1.json")))["summary"]
lim = json.load(open(os.path.join(w, "limit.json")))
mb = size / 1e6
res = {"indicators": n + 1000, "events": s["events"], "bytes": size,
       "load_average": load, "runs": repeat, "ncert": t("ncert"), "ncert_one_thread": t("ncert1"),
       "matching": {k: s[k] for k in ("seconds", "cpu_seconds")},
       "matching_one_thread": {k: s1[k] for k in ("seconds", "cpu_seconds")},
       "limit": t("limit"),
       "grep": t("grep"), "yara": t("yara"), "index": s["index"],
       "matches": s["matches"], "suppressed": s["suppressed"]}
def rate(x): return mb / x["wall"] if x else float("nan")
print()
ix = s["index"]
print(f"indicators {n + 1000:,}: index of {ix['indicators']:,} built in {ix['build_seconds']:.2f} s "
      f"({ix['build_cpu_seconds']:.2f} CPU-s; goal < 5 s), events {s['events']:,} in {mb:,.0f} MB; "
      f"load average {load}; ncert and the limit: best of {repeat} runs each")
r = res["ncert"]
print(f"ncert match      {rate(r):8.1f} MB/s  {s['events'] / r['wall']:12,.0f} events/s  "
      f"(whole command: wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s, RSS {r['rss_mb']:.0f} MB, goal < 300 MB), "
      f"{s['matches']:,} matches")
m, m1 = s, s1
print(f"  reading + matching, threaded   {mb / m['seconds']:8.1f} MB/s wall, "
      f"{mb / m['cpu_seconds']:6.1f} MB per CPU-second")
print(f"  reading + matching, one thread {mb / m1['seconds']:8.1f} MB/s wall, "
      f"{mb / m1['cpu_seconds']:6.1f} MB per CPU-second (goal >= 300 per core)")
l = res["limit"]
print(f"simdjson alone   {rate(l):8.1f} MB/s  (the limit)   reading + matching is "
      f"{m['seconds'] / l['wall']:.2f}x the limit threaded, {m1['seconds'] / l['wall']:.2f}x on one "
      f"thread (goal <= 2x)")
g = res["grep"]
grep_rate = grep_mb / g["wall"]
cut = "" if abs(grep_mb - mb) < 1 else f", on the first {grep_mb:,.0f} MB"
print(f"grep -F -f       {grep_rate:8.1f} MB/s  (exact values only{cut})   ncert / grep speed: "
      f"{rate(r) / grep_rate:.2f}")
y = res["yara"]
if y and not yara_note:
    print(f"yara             {rate(y):8.1f} MB/s  (exact values only)   ncert / yara speed: {rate(r) / rate(y):.2f}")
else:
    print(f"yara             {yara_note or 'not installed'}")
json.dump(res, open(os.path.join(w, "..", f"match-{n}.json"), "w"), indent=1)
PY
