#!/usr/bin/env bash
# CLI tests for ncert. Usage: tests/cli_test.sh path/to/ncert
# Runs from the project root (../shared/data must be beside it).
set -u
NCERT=$(realpath "$1")
DATA=../shared/data
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect_exit CODE DESCRIPTION -- command...
expect_exit() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" = "$want" ]; then ok; else
    bad "$what: exit $got, want $want"; sed 's/^/  | /' "$T/err" | head -5 >&2; fi
}
expect_grep() {  # expect_grep FILE PATTERN DESCRIPTION
  if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1"; head -5 "$1" | sed 's/^/  | /' >&2; fi
}
json_get() {  # json_get FILE EXPR  (python expression over `d`)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}
expect_eq() {  # expect_eq GOT WANT DESCRIPTION
  if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', want '$2'"; fi
}

# --- usage -------------------------------------------------------------------
expect_exit 0 "--help" -- "$NCERT" --help
expect_grep "$T/out" "ingest" "--help lists subcommands"
expect_exit 0 "validate --help" -- "$NCERT" validate --help
expect_exit 2 "no subcommand" -- "$NCERT"
expect_exit 2 "unknown subcommand" -- "$NCERT" frobnicate
expect_exit 2 "validate without files" -- "$NCERT" validate
expect_exit 2 "missing input file" -- "$NCERT" validate "$T/does-not-exist.json"
expect_exit 0 "--version" -- "$NCERT" --version

# --- validate ----------------------------------------------------------------
expect_exit 0 "validate real examples" -- "$NCERT" validate "$DATA/stix/examples"
expect_exit 2 "validate a feed with errors" -- "$NCERT" validate scripts/demo-data/partner-feed-with-errors.json
expect_grep "$T/err" "partner-feed-with-errors.json:/objects/2/created: timestamp-format:" "error names file:pointer: rule"
expect_grep "$T/err" "partner-feed-with-errors.json:/objects/3/created_by_ref:" "reference type error"
expect_exit 2 "validate --json" -- "$NCERT" validate --json scripts/demo-data/partner-feed-with-errors.json
expect_eq "$(json_get "$T/out" "d['valid'], d['invalid']")" "2 2" "validate --json counts"
expect_eq "$(json_get "$T/out" "any(i['rule']=='timestamp-format' and i['pointer']=='/objects/2/created' for i in d['issues'])")" "True" "validate --json issue pointer"
printf '{"type": "indicator", "id": \n' > "$T/truncated.json"
expect_exit 2 "truncated JSON" -- "$NCERT" validate "$T/truncated.json"
expect_grep "$T/err" "json-truncated" "truncated JSON is named"
printf '{"type":"note","content":"\xff"}\n' > "$T/utf8.ndjson"
expect_exit 2 "invalid UTF-8" -- "$NCERT" validate "$T/utf8.ndjson"
expect_grep "$T/err" "utf8.ndjson:1: json-invalid-utf8" "invalid UTF-8 names the line"

# --- ingest, get, query, export ----------------------------------------------
DB="$T/ncert.db"
expect_exit 0 "ingest real data" -- "$NCERT" --db "$DB" --json ingest "$DATA/stix/examples" "$DATA/attack"
expect_eq "$(json_get "$T/out" "d['rejected']")" "0" "nothing rejected"
new=$(json_get "$T/out" "d['new']")
[ "$new" -gt 1826 ] && ok || bad "ingest new count $new"
expect_exit 0 "re-ingest" -- "$NCERT" --db "$DB" --json ingest "$DATA/stix/examples" "$DATA/attack"
expect_eq "$(json_get "$T/out" "d['new'] + d['new_version'] + d['history']")" "0" "re-ingest is a no-op"
expect_exit 2 "ingest a feed with errors" -- "$NCERT" --db "$DB" --json ingest scripts/demo-data/partner-feed-with-errors.json
expect_eq "$(json_get "$T/out" "d['new'], d['rejected']")" "2 2" "valid rest of the file stored"

ID=indicator--ea0e65a0-2568-4247-ab20-c756959ee1b7
expect_exit 0 "get" -- "$NCERT" --db "$DB" get $ID
expect_eq "$(json_get "$T/out" "d['id']")" "$ID" "get prints the object"
expect_exit 0 "get --versions --json" -- "$NCERT" --db "$DB" --json get --versions $ID
expect_eq "$(json_get "$T/out" "len(d['versions']), d['versions'][0]['latest']")" "1 True" "versions"
expect_exit 1 "get unknown id" -- "$NCERT" --db "$DB" get indicator--00000000-0000-4000-8000-000000000000
expect_grep "$T/err" "no object" "unknown id message"

expect_exit 0 "query --type" -- "$NCERT" --db "$DB" --json query --type attack-pattern --limit 5
expect_eq "$(json_get "$T/out" "d['count'], all(o['type']=='attack-pattern' for o in d['objects'])")" "5 True" "query filters and limits"
expect_exit 2 "query bad timestamp" -- "$NCERT" --db "$DB" query --modified-since 2024-02-30T00:00:00Z
expect_exit 0 "stats" -- "$NCERT" --db "$DB" --json stats
expect_eq "$(json_get "$T/out" "d['by_type']['x-mitre-tactic']")" "12" "stats by type"

expect_exit 0 "export" -- "$NCERT" --db "$DB" export --all-versions --bundle-id bundle--44af6c39-c09b-49c5-9de2-394224b04982
cp "$T/out" "$T/export1.json"
expect_exit 0 "exported bundle validates" -- "$NCERT" validate -q "$T/export1.json"
DB2="$T/second.db"
expect_exit 0 "ingest the export into a new store" -- "$NCERT" --db "$DB2" --json ingest "$T/export1.json"
expect_exit 0 "export the new store" -- "$NCERT" --db "$DB2" export --all-versions --bundle-id bundle--44af6c39-c09b-49c5-9de2-394224b04982
if cmp -s "$T/out" "$T/export1.json"; then ok; else bad "export -> ingest -> export is not byte-stable"; fi
expect_exit 0 "re-ingest the export" -- "$NCERT" --db "$DB" --json ingest "$T/export1.json"
expect_eq "$(json_get "$T/out" "d['new'] + d['new_version'] + d['history'] + d['rejected']")" "0" "export re-ingest is a no-op"

# --- operational errors --------------------------------------------------------
expect_exit 1 "unwritable store" -- "$NCERT" --db "$T/no/such/dir/x.db" stats
expect_grep "$T/err" "ncert:" "store error is explained"
printf '[store]\npaht = "x"\n' > "$T/bad.toml"
expect_exit 2 "config typo" -- "$NCERT" --config "$T/bad.toml" stats
expect_grep "$T/err" "unknown configuration key 'paht'" "config typo is named"
expect_exit 0 "Japanese output" -- "$NCERT" --db "$DB" --lang ja stats
expect_grep "$T/out" "オブジェクト" "Japanese summary"

# --- sim ---------------------------------------------------------------------
expect_exit 0 "sim list" -- "$NCERT" sim list
expect_grep "$T/out" "supply-chain" "sim list names the scenarios"
expect_grep "$T/out" "サプライチェーン" "sim list in Japanese too"
expect_exit 0 "sim list --json" -- "$NCERT" --json sim list
expect_eq "$(json_get "$T/out" "sorted(s['name'] for s in d['scenarios'])[:3]")" "['hospital-ransomware', 'iot-surge', 'supply-chain']" "sim list --json"
expect_exit 0 "sim run" -- "$NCERT" --json sim run iot-surge --seed 7 --scale 0.2 --out "$T/sim1"
expect_eq "$(json_get "$T/out" "d['infected_devices'] > 0 and d['surge_start'] is not None")" "True" "sim run --json summary"
expect_exit 0 "sim output validates" -- "$NCERT" validate "$T/sim1/stix"
expect_exit 0 "sim run again, same seed" -- "$NCERT" -q sim run iot-surge --seed 7 --scale 0.2 --out "$T/sim2"
if diff -r -q "$T/sim1" "$T/sim2" >/dev/null; then ok; else bad "same seed gave different bytes"; fi
expect_exit 2 "sim run unknown scenario" -- "$NCERT" sim run no-such-scenario --out "$T/sim3"
printf '[scenario]\nname = "x"\ntitle = "t"\ntitle_ja = "t"\nstart = "2026-01-01T00:00:00Z"\nhourz = 3\n' > "$T/bad.toml"
expect_exit 2 "sim run bad scenario file" -- "$NCERT" sim run "$T/bad.toml" --out "$T/sim4"
expect_grep "$T/err" "bad.toml:6:1: unknown key 'hourz'" "bad scenario names file:line:column"
expect_exit 2 "sim run bad scale" -- "$NCERT" sim run iot-surge --scale -1

# --- pattern -----------------------------------------------------------------
OD=scripts/demo-data/observed-data-c2.json
expect_exit 0 "pattern check valid" -- "$NCERT" pattern check "[ipv4-addr:value = '198.51.100.0/24'] FOLLOWEDBY [file:name LIKE '%.exe'] WITHIN 60 SECONDS"
expect_grep "$T/out" "valid" "pattern check says valid"
expect_exit 2 "pattern check invalid" -- "$NCERT" pattern check "[file:size = ]"
expect_grep "$T/err" "column 14: expected a value" "pattern error names the column"
expect_grep "$T/out" "invalid: column 14:" "pattern verdict on stdout"
expect_exit 2 "pattern check lower-case keyword" -- "$NCERT" pattern check "[a:b = 1] within 5 SECONDS"
expect_grep "$T/err" "write WITHIN" "keyword hint"
expect_exit 2 "pattern check duplicate qualifier" -- "$NCERT" --json pattern check "[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS"
expect_eq "$(json_get "$T/out" "d['valid'], d['errors'][0]['rule']")" "False duplicate-qualifier" "pattern check --json error"
expect_exit 0 "pattern check --json" -- "$NCERT" --json pattern check "[file:hashes.MD5 = '79054025255FB1A26E4BC422AEF54EB4']"
expect_eq "$(json_get "$T/out" "d['valid'], d['prefilter']['any_of'][0]['path']")" "True hashes.MD5" "pattern check --json prefilter"
expect_exit 2 "pattern check --strict" -- "$NCERT" pattern check --strict "[file:file_name = 'x']"
expect_exit 0 "pattern match" -- "$NCERT" pattern match "[network-traffic:dst_port = 443] REPEATS 3 TIMES FOLLOWEDBY [file:name LIKE '%.exe']" $OD
expect_grep "$T/out" "match: 1 binding" "pattern match prints the binding"
expect_exit 0 "pattern match --json" -- "$NCERT" --json pattern match "([domain-name:value = 'update.example-cdn.net'] AND [network-traffic:dst_port = 443] AND [file:size > 1000]) WITHIN 300 SECONDS" $OD
expect_eq "$(json_get "$T/out" "d['matched'], len(d['bindings']), len(d['bindings'][0])")" "True 1 3" "pattern match --json binding"
expect_exit 0 "pattern no match" -- "$NCERT" --json pattern match "([domain-name:value = 'update.example-cdn.net'] AND [file:size > 1000]) WITHIN 60 SECONDS" $OD
expect_eq "$(json_get "$T/out" "d['matched'], d['bindings']")" "False []" "pattern no match --json"
expect_exit 2 "pattern match invalid pattern" -- "$NCERT" pattern match "[file:name = 'x'" $OD
expect_exit 2 "pattern match invalid input" -- "$NCERT" pattern match "[file:name = 'x']" scripts/demo-data/partner-feed-with-errors.json
expect_exit 2 "pattern match missing file" -- "$NCERT" pattern match "[file:name = 'x']" "$T/nope.json"

# --- access: principals, sharing, tokens, audit ------------------------------
A="$T/access.db"
expect_exit 0 "org add" -- "$NCERT" --db "$A" --json org add "Kanto Electric" --type critical-infrastructure --sector electric-power
expect_eq "$(json_get "$T/out" "d['id'], d['sectors']")" "2 ['electric-power']" "org add --json"
expect_exit 0 "org add gas" -- "$NCERT" --db "$A" org add "Chubu Gas" --type critical-infrastructure --sector gas
expect_exit 2 "org add bad type" -- "$NCERT" --db "$A" org add "X" --type bank
expect_exit 1 "org add twice" -- "$NCERT" --db "$A" org add "Chubu Gas"
expect_grep "$T/err" "already exists" "duplicate org named"
expect_exit 0 "user add" -- "$NCERT" --db "$A" user add sato --org "Kanto Electric" --role member
expect_exit 0 "user add gas" -- "$NCERT" --db "$A" user add suzuki --org "Chubu Gas" --role member
expect_exit 0 "user add sensor" -- "$NCERT" --db "$A" user add probe --org "Chubu Gas" --role sensor
expect_exit 1 "user add unknown org" -- "$NCERT" --db "$A" user add x --org "Nowhere"
expect_exit 1 "member may not add orgs" -- "$NCERT" --db "$A" --as sato org add "Rogue"
expect_grep "$T/err" "needs the admin role" "admin check explained"
expect_exit 0 "org list" -- "$NCERT" --db "$A" --json org list
expect_eq "$(json_get "$T/out" "len(d)")" "3" "three orgs (the CERT and two members)"
# Kanto Electric shares an incident TLP:AMBER with its sector.
expect_exit 0 "ingest as member" -- "$NCERT" --db "$A" --as sato --json ingest --tlp amber --share-with sector:electric-power scripts/demo-data/kanto-electric-incident.json
expect_eq "$(json_get "$T/out" "d['new']")" "3" "member's objects stored"
expect_exit 2 "share with unknown org" -- "$NCERT" --db "$A" --as sato ingest --share-with org:Nowhere scripts/demo-data/kanto-electric-incident.json
expect_exit 1 "sensor may not ingest knowledge" -- "$NCERT" --db "$A" --as probe ingest scripts/demo-data/kanto-electric-incident.json
IND=indicator--e2ee4d0d-b6d5-4eda-ac76-db83d94b9ce9
NOTE=note--908db807-6a13-4c55-80c6-d8cb50dc8a77
expect_exit 0 "owner sees its indicator" -- "$NCERT" --db "$A" --as sato get $IND
expect_exit 0 "the CERT sees what members share" -- "$NCERT" --db "$A" get $NOTE
expect_exit 1 "gas company does not see electric AMBER" -- "$NCERT" --db "$A" --as suzuki get $IND
expect_grep "$T/err" "no object" "hidden looks absent"
expect_exit 0 "gas company counts" -- "$NCERT" --db "$A" --as suzuki --json stats
expect_eq "$(json_get "$T/out" "d['objects']")" "0" "counts never count invisible objects"
expect_exit 0 "gas company export" -- "$NCERT" --db "$A" --as suzuki export
expect_eq "$(json_get "$T/out" "len(d['objects'])")" "0" "export is filtered"
expect_exit 0 "gas company query" -- "$NCERT" --db "$A" --as suzuki --json query
expect_eq "$(json_get "$T/out" "d['count']")" "0" "query is filtered"
expect_exit 1 "unknown --as user" -- "$NCERT" --db "$A" --as nobody stats
# An ACS 3.0 marking (CISA-style) keeps its meaning: classification S needs
# secret clearance even on a TLP:GREEN indicator.
expect_exit 0 "ingest an ACS 3.0 marked bundle" -- "$NCERT" --db "$A" ingest tests/fixtures/acs3-secret-green.json
expect_exit 0 "user with secret clearance" -- "$NCERT" --db "$A" user add kato --org "Chubu Gas" --clearance secret
expect_exit 0 "cleared member sees it" -- "$NCERT" --db "$A" --as kato get indicator--0b3c1c3e-2b0e-4b7a-9f1a-5d2c3e4f5a6b
expect_exit 1 "uncleared member does not" -- "$NCERT" --db "$A" --as suzuki get indicator--0b3c1c3e-2b0e-4b7a-9f1a-5d2c3e4f5a6b
# Tokens: created once, used, revoked.
expect_exit 0 "token create" -- "$NCERT" --db "$A" --json token create --user suzuki --days 1 --note test
TOKEN=$(json_get "$T/out" "d['token']")
TID=$(json_get "$T/out" "d['id']")
expect_exit 0 "token works" -- "$NCERT" --db "$A" --token "$TOKEN" --json stats
expect_exit 0 "token via NCERT_TOKEN" -- env NCERT_TOKEN="$TOKEN" "$NCERT" --db "$A" stats
expect_grep "$T/out" "visible to suzuki" "token acts as its user"
expect_exit 0 "token list" -- "$NCERT" --db "$A" token list
if grep -q "$TOKEN" "$T/out"; then bad "token list shows a secret"; else ok; fi
expect_exit 1 "wrong secret" -- "$NCERT" --db "$A" --token "${TOKEN%?}x" stats
expect_grep "$T/err" "invalid token" "wrong secret refused"
expect_exit 0 "token revoke" -- "$NCERT" --db "$A" token revoke "$TID"
expect_exit 1 "revoked token" -- "$NCERT" --db "$A" --token "$TOKEN" stats
expect_grep "$T/err" "revoked" "revocation explained"
# The audit log saw all of it, and notices tampering.
expect_exit 0 "audit show" -- "$NCERT" --db "$A" --json audit show --user suzuki
expect_eq "$(json_get "$T/out" "len(d) >= 4")" "True" "audit has the member's reads"
expect_exit 0 "audit verify" -- "$NCERT" --db "$A" --json audit verify
expect_eq "$(json_get "$T/out" "d['ok']")" "True" "audit log intact"
sqlite3 "$A" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET result = 'ok 0 objects' WHERE seq = 5;"
expect_exit 1 "audit verify after an edit" -- "$NCERT" --db "$A" audit verify
expect_grep "$T/out" "BROKEN at entry 5" "edited entry named"

# Exercise mode: injects released over time, answers scored against the truth.
EX="$T/ex"
expect_exit 0 "exercise start" -- "$NCERT" --json exercise start iot-surge --team blue --dir "$EX" --seed 3
expect_eq "$(json_get "$T/out" "d['released']")" "['t00-intel']" "only the first inject at start"
if [ -e "$EX/inbox/sensors/darknet.pcap" ] || [ -e "$EX/inbox/ground_truth.json" ]; then bad "exercise released too early"; else ok; fi
expect_exit 1 "exercise start twice" -- "$NCERT" exercise start iot-surge --team blue --dir "$EX"
expect_exit 2 "exercise unknown scenario" -- "$NCERT" exercise start no-such --team blue --dir "$T/ex2"
expect_exit 1 "exercise status, no exercise" -- "$NCERT" exercise status --dir "$T/ex3"
expect_exit 0 "exercise status" -- "$NCERT" --json exercise status --dir "$EX"
expect_eq "$(json_get "$T/out" "[i['released'] for i in d['injects']][0]")" "True" "status shows released"
expect_exit 0 "exercise questions" -- "$NCERT" --json exercise questions --dir "$EX" --reveal
expect_eq "$(json_get "$T/out" "len(d['questions']) >= 4")" "True" "at least 4 questions"
SURGE=$(json_get "$T/out" "[q for q in d['questions'] if q['id'] == 'surge-start'][0]['expected'][0]")
expect_exit 0 "exercise answer right" -- "$NCERT" exercise answer surge-start "$SURGE" --dir "$EX"
expect_exit 0 "exercise answer wrong" -- "$NCERT" exercise answer orgs 999 --dir "$EX"
expect_exit 2 "exercise unknown question" -- "$NCERT" exercise answer no-such-question 1 --dir "$EX"
expect_exit 0 "exercise score" -- "$NCERT" --json exercise score --dir "$EX"
expect_eq "$(json_get "$T/out" "[(q['id'], q['correct']) for q in d['questions'] if q['answered']]")" "[('orgs', False), ('surge-start', True)]" "one right, one wrong"
expect_eq "$(json_get "$T/out" "d['points']")" "1.0" "score total"
expect_exit 0 "exercise start --speed" -- "$NCERT" exercise start iot-surge --team fast --dir "$T/exfast" --speed 900
sleep 1  # 15+ exercise minutes
expect_exit 0 "exercise status after 15+ exercise minutes" -- "$NCERT" --json exercise status --dir "$T/exfast"
expect_eq "$(json_get "$T/out" "'t10-telemetry' in [i['id'] for i in d['injects'] if i['released']]")" "True" "--speed releases by exercise time"
if [ -s "$T/exfast/inbox/sensors/darknet.pcap" ]; then ok; else bad "released inject not in the inbox"; fi
expect_exit 0 "exercise score (ja)" -- "$NCERT" --lang ja exercise score --dir "$EX"
expect_grep "$T/out" "正解" "Japanese score"

# --- serve -------------------------------------------------------------------
S="$T/serve.db"
expect_exit 0 "serve --help" -- "$NCERT" serve --help
expect_grep "$T/out" "--listen" "serve --help lists --listen"
expect_exit 2 "serve bad listen address" -- "$NCERT" --db "$S" serve --listen nohost
expect_exit 2 "serve --tls-cert without --tls-key" -- "$NCERT" --db "$S" serve --tls-cert "$0"
printf '[server]\nthreads = 3\nlisten_on = "x"\n' > "$T/serve-bad.toml"
expect_exit 2 "serve config typo" -- "$NCERT" --config "$T/serve-bad.toml" --db "$S" serve
"$NCERT" -q --db "$S" ingest --share-with public --tlp clear "$DATA/stix/examples" >/dev/null 2>&1
"$NCERT" -q --db "$S" org add "Serve Org" --type company >/dev/null 2>&1
"$NCERT" -q --db "$S" user add serveuser --org "Serve Org" --role member >/dev/null 2>&1
STOKEN=$("$NCERT" -q --db "$S" token create --user serveuser 2>/dev/null | head -1)
"$NCERT" --db "$S" --json serve --listen 127.0.0.1:0 --threads 2 >"$T/serve.out" 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 1 100); do [ -s "$T/serve.out" ] && break; sleep 0.1; done
URL=$(json_get "$T/serve.out" "d['listen']")
case "$URL" in http://127.0.0.1:*) ok ;; *) bad "serve prints where it listens: '$URL'" ;; esac
http_get() {  # http_get PATH [TOKEN] -> "STATUS BODY" in $T/http
  python3 - "$URL$1" "${2:-}" >"$T/http" <<'PY'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1])
if sys.argv[2]:
    req.add_header("Authorization", "Bearer " + sys.argv[2])
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
}
http_get /healthz
expect_grep "$T/http" '200 {"status":"ok"}' "serve answers /healthz"
http_get "/api/v1/objects?type=indicator&limit=2"
expect_grep "$T/http" '"count":2}' "serve answers a query"
http_get "/api/v1/objects?limit=-1"
expect_grep "$T/http" '400 {"error":"bad-request"' "serve rejects limit=-1"
http_get /api/v1/objects/indicator--00000000-0000-4000-8000-000000000000 "$STOKEN"
expect_grep "$T/http" '404 {"error":"not-found"' "serve 404 for a token holder"
http_get /api/v1/objects nope
expect_grep "$T/http" '401 ' "serve rejects a bad token"
http_get /metrics
expect_grep "$T/http" 'ncert_http_requests_total{route="GET /healthz",status="200"} 1' "serve metrics"
kill -TERM "$SPID"; wait "$SPID"; SRC=$?
expect_eq "$SRC" "0" "serve exits 0 on SIGTERM"
expect_grep "$T/serve.err" '"path":"/healthz","status":200' "serve access log on stderr"
expect_exit 0 "audit after serve" -- "$NCERT" --db "$S" audit show
expect_grep "$T/out" "ok stopped" "serve start and stop are audited"
expect_grep "$T/out" "denied" "a bad token over HTTP is audited"
expect_grep "$T/out" "http GET /api/v1/objects/indicator--00000000" "a token holder's request is audited"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
