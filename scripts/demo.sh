#!/usr/bin/env bash
# make demo: the main job on the embedded default (SQLite, in-process).
#
# 1. `ncert demo`: simulates two scenarios, ingests the partners' STIX and
#    the public corpora, shows the access policy, publishes a bundle.
# 2. Then, as an analyst would at the prompt, the analyses on the iot-surge
#    scenario's telemetry: matching against every indicator (with MISP
#    warninglists) recorded as sightings; the darknet capture and the
#    honeypot logs; surge alerts; block lists for ISPs; and a TAXII 2.1
#    server on loopback pulled into a partner's store.
#
# Everything stays on this machine: the server listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

N=build/ncert
OUT=demo-out
DB="$OUT/ncert.db"
SIM="$OUT/iot-surge"
WL=../shared/data/warninglists/lists

STEP=1
step() { printf '\n\033[1m== %d. %s\033[0m\n' "$STEP" "$1"; STEP=$((STEP + 1)); }
# Shows the command (API tokens masked), then its output indented.
run() {
  printf '  $ %s\n' "$*" | sed -E 's/ncert_[A-Za-z0-9_-]+/ncert_…/g'
  "$@" 2>&1 | sed 's/^/    /'
}

LOG=$(mktemp)
"$N" demo | tee "$LOG"
# Number the steps below after the last one `ncert demo` printed.
LAST=$(grep -oE '== [0-9]+\.' "$LOG" | tail -1 | grep -oE '[0-9]+' || echo 0)
STEP=$((LAST + 1))
rm -f "$LOG"

step "Match the iot-surge telemetry (Suricata EVE, Zeek, Sysmon, Cowrie) against every indicator; record sightings"
run "$N" --db "$DB" match --warninglists "$WL" --record --sensor iot-surge-sensors \
  --max-print 8 "$SIM/network/eve.json" "$SIM/network/zeek" \
  "$SIM/endpoint/sysmon.ndjson" "$SIM/sensors/cowrie.json"

step "Darknet: who scans for what, Mirai-infected hosts, DoS victims (backscatter)"
run "$N" --db "$DB" sensors darknet --sensor darknet-sensor \
  --prefix 100.100.0.0/16 --geoip ../shared/data/asn --record \
  "$SIM/sensors/darknet.pcap"

step "Honeypot: sessions, credentials (Mirai's list marked), downloads"
run "$N" --db "$DB" sensors honeypot --sensor cowrie-demo --record --top 5 \
  "$SIM/sensors/cowrie.json"

step "Surge alerts over the sensors' time series"
run "$N" --db "$DB" sensors alerts --record

step "Block lists for ISPs and operators (Suricata, DNS RPZ, nftables)"
for f in suricata rpz nftables; do
  run "$N" --db "$DB" indicators export --format "$f" -o "$OUT/blocklist.$f"
done

step "TAXII 2.1: serve the store on 127.0.0.1 and pull it into a partner's store"
TOKEN=$("$N" --db "$DB" --json token create --user local --days 1 --note demo |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$N" --db "$DB" serve --listen "127.0.0.1:$PORT" >"$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz')" 2>/dev/null && break
  sleep 0.1
done
rm -f "$OUT/partner.db"*
run "$N" --db "$OUT/partner.db" taxii pull "http://127.0.0.1:$PORT/taxii2/ncert/" \
  --collection indicators --token "$TOKEN"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
trap - EXIT

printf '\nOutputs in %s/: ncert.db (the store), partner.db (pulled over TAXII), blocklist.*\n' "$OUT"
