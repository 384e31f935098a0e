#!/usr/bin/env bash
# TAXII serving and pulling, on 127.0.0.1 only. Needs `ncert serve` (the
# server branch) and wrk; until that is merged it says so and exits 0.
#
#   bench/taxii.sh [build/ncert] [objects=1000000]
#
# 1. A store of N indicators (ncert sim / a generated bundle, ingested).
# 2. `ncert serve` with a public collection over it (config below).
# 3. wrk GETs a page of 100 objects at 64 and 256 connections: requests/s,
#    p50, p99 (wrk --latency) — the peer figure is wrk's own ceiling on a
#    static 404 of the same server, printed beside it with the ratio.
# 4. `ncert taxii pull` of the whole collection into a second store: seconds
#    (goal < 60 s for 1,000,000).
set -euo pipefail
NCERT=${1:-build/ncert}
N=${2:-1000000}
T=$(mktemp -d)
trap 'kill "${SERVE_PID:-0}" 2>/dev/null || true; rm -rf "$T"' EXIT

if ! "$NCERT" serve --help >/dev/null 2>&1; then
  echo "taxii bench: this ncert has no 'serve' (server branch not merged); skipped"
  exit 0
fi
command -v wrk >/dev/null || { echo "taxii bench: wrk not installed; skipped"; exit 0; }

python3 - "$N" > "$T/feed.ndjson" <<'PY'
import sys, uuid
n = int(sys.argv[1])
for i in range(n):
    u = uuid.UUID(int=(0x4 << 76) | (0x8 << 60) | i)
    print('{"type":"indicator","spec_version":"2.1","id":"indicator--%s",'
          '"created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",'
          '"pattern":"[ipv4-addr:value = \'10.%d.%d.%d\']","pattern_type":"stix",'
          '"valid_from":"2024-01-01T00:00:00Z"}' % (u, (i >> 16) & 255, (i >> 8) & 255, i & 255))
PY
cat > "$T/ncert.toml" <<EOF2
[store]
path = "$T/server.db"
[taxii]
audit_reads = false
[[taxii.api_roots]]
name = "bench"
title = "bench"
[[taxii.api_roots.collections]]
id = "2e4c4d5e-1111-4aaa-8bbb-00000000b001"
title = "all"
public = true
EOF2
"$NCERT" --config "$T/ncert.toml" --quiet ingest --tlp clear --share-with public "$T/feed.ndjson" >/dev/null
PORT=18473
"$NCERT" --config "$T/ncert.toml" serve --listen 127.0.0.1:$PORT & SERVE_PID=$!
sleep 2
URL="http://127.0.0.1:$PORT/taxii2/bench/collections/2e4c4d5e-1111-4aaa-8bbb-00000000b001/objects/?limit=100"
for c in 64 256; do
  echo "== GET page of 100 from $N objects, $c connections"
  wrk -t2 -c$c -d15s --latency -H 'Accept: application/taxii+json;version=2.1' "$URL" |
    grep -E 'Requests/sec|50%|99%'
  echo "-- peer: wrk against a 404 of the same server"
  wrk -t2 -c$c -d15s --latency "http://127.0.0.1:$PORT/nope" | grep -E 'Requests/sec|50%|99%'
done
echo "== full pull of $N objects"
start=$(date +%s.%N)
"$NCERT" --db "$T/client.db" --quiet taxii pull "http://127.0.0.1:$PORT/taxii2/bench/" \
  --collection 2e4c4d5e-1111-4aaa-8bbb-00000000b001 --json
end=$(date +%s.%N)
python3 -c "print('pull seconds: %.1f (goal < 60)' % ($end - $start))"
