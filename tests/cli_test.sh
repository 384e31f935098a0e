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

# --- telemetry cat -------------------------------------------------------------
TF=tests/fixtures/telemetry
expect_exit 0 "telemetry cat --help" -- "$NCERT" telemetry cat --help
expect_exit 0 "telemetry cat cowrie" -- "$NCERT" telemetry cat $TF/cowrie.json
expect_grep "$T/out" "cowrie.login.failed" "table lists the kind"
expect_grep "$T/out" "user=root password=123456" "table shows credentials"
expect_grep "$T/err" "15 events from 1 files [1 cowrie]" "summary names the format"
expect_grep "$T/err" "unknown kind cowrie.telnet.mystery: 1" "unknown kinds are counted"
expect_exit 0 "telemetry cat --json" -- "$NCERT" --json telemetry cat $TF/zeek.json $TF/http.log
expect_eq "$(python3 -c "import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; print(len(L)-1, L[2]['url'], L[-1]['summary']['formats'])" "$T/out")" "8 http://testmyids.com/ {'zeek': 2}" "telemetry --json events and summary"
# Zeek's default TSV logs: a log folder (one file gzip-compressed, as Zeek's rotation leaves them) beside JSON.
mkdir -p "$T/zeeklogs" && cp $TF/zeek-tsv/*.log "$T/zeeklogs/" && gzip "$T/zeeklogs/dns.log" && cp $TF/zeek.json "$T/zeeklogs/"
expect_exit 0 "telemetry cat a Zeek TSV folder" -- "$NCERT" --json telemetry cat "$T/zeeklogs/"*
expect_eq "$(python3 -c "
import json,sys
L=[json.loads(l) for l in open(sys.argv[1])]
s=L[-1]['summary']; ev=L[:-1]
print(s['events'], s['formats'], s['skipped_lines'], sorted({e['source'] for e in ev if e['raw']['file'].endswith('.log') or e['raw']['file'].endswith('.gz')}))
print([e['url'] for e in ev if 'example.jp' in e.get('url','')], [e['domain'] for e in ev if e['raw']['file'].endswith('dns.log.gz')])" "$T/out")" "15 {'zeek': 6} 0 ['zeek.conn', 'zeek.dns', 'zeek.files', 'zeek.http', 'zeek.ssl']
['http://www.example.jp/a\tb\\\\c'] ['testmyids.com']" "Zeek TSV folder: events, escapes, gzip"
printf '#separator \\x09\n#fields\tts\tid.orig_h\n1709294400\t10.0.0.1\textra\n' > "$T/cut-zeek.log"
expect_exit 2 "telemetry cat Zeek TSV with a bad line" -- "$NCERT" telemetry cat --format zeek "$T/cut-zeek.log"
expect_grep "$T/err" "cut-zeek.log:3: zeek-columns: 3 columns, expected 2" "Zeek TSV bad line named file:line: rule"
expect_exit 2 "telemetry cat with bad lines" -- "$NCERT" telemetry cat $TF/audit.log
expect_grep "$T/err" "audit.log:12: auditd-format:" "bad line named file:line: rule"
expect_exit 2 "telemetry cat csv --map (two bad rows)" -- "$NCERT" --json telemetry cat --limit 1 --map $TF/proxy_map.toml $TF/proxy.csv
expect_eq "$(head -1 "$T/out" | python3 -c "import json,sys; print(json.load(sys.stdin)['url'])")" "http://dl.example.com/a.exe" "csv through a field map"
expect_exit 2 "telemetry cat csv without a map" -- "$NCERT" telemetry cat --format csv $TF/proxy.csv
expect_exit 2 "telemetry cat unknown --format" -- "$NCERT" telemetry cat --format frob $TF/eve.json
gzip -c $TF/eve.json | head -c 600 > "$T/cut.json.gz"
expect_exit 2 "telemetry cat truncated gzip" -- "$NCERT" --json telemetry cat "$T/cut.json.gz"
expect_eq "$(tail -1 "$T/out" | python3 -c "import json,sys; print(json.load(sys.stdin)['summary']['by_rule'].get('truncated-input'))")" "1" "truncated gzip is reported"
expect_exit 0 "telemetry cat real Windows events" -- "$NCERT" --json telemetry cat --limit 0 $DATA/sigma-logs/security-datasets/schtask_create_2020-12-1907003032.json
expect_eq "$(tail -1 "$T/out" | python3 -c "import json,sys; d=json.load(sys.stdin)['summary']; print(d['events'], d['skipped_lines'])")" "1041 0" "security-datasets read whole"
expect_exit 2 "telemetry cat (ja)" -- "$NCERT" --lang ja telemetry cat $TF/audit.log
expect_grep "$T/err" "件のイベント" "Japanese summary"

printf 'evil.example.net\nbad.example.org\n' > "$T/plant.txt"
python3 bench/gen_events.py --mb 0.5 --seed 7 --plant "$T/plant.txt" --plant-field domain --plant-rate 0.01 --planted "$T/planted.tsv" --out "$T/gen" 2>/dev/null
expect_exit 0 "telemetry cat generated events" -- "$NCERT" --json telemetry cat "$T/gen/cowrie.json" "$T/gen/ecs.json" "$T/gen/eve.json" "$T/gen/zeek.json"
expect_eq "$(python3 -c "
import json,sys
ev={}
for l in open(sys.argv[1]):
    d=json.loads(l)
    if 'raw' in d: ev[(d['raw']['file'].split('/')[-1], d['raw']['line'])]=d
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[2])]
print(len(rows) > 5 and all(ev[(f,int(n))].get(k)==v for f,n,k,v in rows))" "$T/out" "$T/planted.tsv")" "True" "every planted value read back at its file:line"
# --- indicators export (block lists) ------------------------------------------
BL=tests/fixtures/blocklist
BDB="$T/blocklist.db"
AT=2024-06-01T00:00:00Z
BID=bundle--00000000-0000-4000-8000-0000000e4707
expect_exit 0 "ingest block-list fixture" -- "$NCERT" --db "$BDB" ingest "$BL/indicators.json"
expect_exit 0 "indicators export --help" -- "$NCERT" indicators export --help
expect_exit 2 "indicators export without --format" -- "$NCERT" --db "$BDB" indicators export
expect_exit 2 "unknown format" -- "$NCERT" --db "$BDB" indicators export --format pdf
expect_exit 2 "unknown --type" -- "$NCERT" --db "$BDB" indicators export --format txt --type process
expect_exit 2 "bad --since" -- "$NCERT" --db "$BDB" indicators export --format txt --since yesterday
expect_exit 2 "bad --tlp-max" -- "$NCERT" --db "$BDB" indicators export --format txt --tlp-max purple
expect_exit 2 "hostile --rpz-zone" -- "$NCERT" --db "$BDB" indicators export --format rpz --rpz-zone 'x.example. IN NS evil.'
expect_exit 2 "hostile --nft-table" -- "$NCERT" --db "$BDB" indicators export --format nftables --nft-table 'x { }; flush ruleset'
for f in stix csv txt suricata rpz nftables; do
  expect_exit 0 "indicators export --format $f" -- "$NCERT" --db "$BDB" indicators export --format $f --at $AT --bundle-id $BID -o "$T/bl.$f"
  if cmp -s "$T/bl.$f" "$BL/expected.$f"; then ok; else bad "$f differs from $BL/expected.$f"; diff "$BL/expected.$f" "$T/bl.$f" | head -5 >&2; fi
done
for h in md5 sha256; do
  if cmp -s "$T/ncert-$h.txt" "$BL/expected-$h.txt"; then ok; else bad "suricata $h list differs"; fi
done
expect_grep "$T/err" "skipped 7 values" "summary counts skipped values"
expect_grep "$T/err" "character 0x22 is not allowed" "quote injection skipped with its reason"
expect_grep "$T/err" "private address" "private range skipped with its reason"
expect_grep "$T/err" "not a simple pattern" "AND pattern skipped with its reason"
if python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$T/bl.stix"; then ok; else bad "stix export is not JSON"; fi
expect_eq "$(json_get "$T/bl.stix" "len(d['objects'])")" "14" "stix: the 14 current indicators"
# Nothing hostile reaches a list (the STIX bundle carries the indicators
# whole, JSON-escaped, which the JSON check above covers).
if grep -lE 'flush ruleset|sid:1;|zone\.example|b.cher' "$T"/bl.csv "$T"/bl.txt "$T"/bl.suricata "$T"/bl.rpz "$T"/bl.nftables >/dev/null; then bad "hostile value in an export"; else ok; fi
# The external checkers, where Debian's packages are installed.
if command -v named-checkzone >/dev/null; then
  expect_exit 0 "named-checkzone accepts the RPZ zone" -- named-checkzone rpz.ncert.invalid "$T/bl.rpz"
fi
if command -v nft >/dev/null && nft -c -f "$BL/expected.nftables" >/dev/null 2>&1; then
  expect_exit 0 "nft -c accepts the script" -- nft -c -f "$T/bl.nftables"
fi
# Filters.
expect_exit 0 "--type domain-name txt" -- "$NCERT" --db "$BDB" --quiet indicators export --format txt --type domain-name --at $AT
expect_eq "$(grep -vc '^#' "$T/out")" "3" "--type keeps only domains"
expect_exit 0 "--min-confidence 80" -- "$NCERT" --db "$BDB" --quiet indicators export --format txt --min-confidence 80 --at $AT
expect_eq "$(grep -v '^#' "$T/out" | tr '\n' ' ')" "198.51.100.7 203.0.113.0/24 login-bank.example red.bad.example " "--min-confidence"
expect_exit 0 "--tlp-max green" -- "$NCERT" --db "$BDB" --quiet indicators export --format txt --tlp-max green --at $AT
if grep -q 'red.bad.example\|dl.bad.example' "$T/out"; then bad "--tlp-max green leaks AMBER/RED values"; else ok; fi
expect_exit 0 "--since after every version" -- "$NCERT" --db "$BDB" --quiet indicators export --format txt --since 2025-01-01T00:00:00Z --at $AT
expect_eq "$(grep -vc '^#' "$T/out")" "0" "--since excludes older versions"
expect_exit 0 "--json summary" -- "$NCERT" --db "$BDB" --json indicators export --format rpz --at $AT -o "$T/j.rpz"
expect_eq "$(json_get "$T/out" "d['exported'], d['values']['domain-name'], len(d['skipped'])")" "7 3 7" "--json summary counts"
expect_exit 0 "Japanese summary" -- "$NCERT" --db "$BDB" --lang ja indicators export --format txt --at $AT
expect_grep "$T/err" "書き出しました" "Japanese summary text"
expect_exit 0 "real examples to suricata" -- "$NCERT" --db "$DB" --quiet indicators export --format suricata -o "$T/ex.rules"
[ "$(grep -c '^alert' "$T/ex.rules")" -gt 50 ] && ok || bad "real examples give suricata rules"
# Access: a member of another organisation sees only what is shared with it.
expect_exit 0 "org for block lists" -- "$NCERT" --db "$BDB" org add "Kanto ISP" --type isp
expect_exit 0 "isp user" -- "$NCERT" --db "$BDB" user add isp1 --org "Kanto ISP" --role member
expect_exit 0 "export as isp1" -- "$NCERT" --db "$BDB" --as isp1 --quiet indicators export --format txt --at $AT
if grep -q 'red.bad.example\|dl.bad.example' "$T/out"; then bad "a member sees RED/AMBER values not shared with it"; else ok; fi
expect_grep "$T/out" "login-bank.example" "a member sees GREEN values"
expect_exit 0 "audit verify after exports" -- "$NCERT" --db "$BDB" --json audit verify
# sensors darknet: a real capture, the simulator's darknet, bad input, --record.
PCAP=../shared/data/pcap/zeek/nmap-vsn.pcap
expect_exit 0 "sensors darknet --help" -- "$NCERT" sensors darknet --help
expect_exit 0 "sensors darknet" -- "$NCERT" sensors darknet --scan-threshold 5 "$PCAP"
expect_grep "$T/out" "SYN scanners" "darknet human report"
expect_exit 0 "sensors darknet --json" -- "$NCERT" --json sensors darknet --scan-threshold 5 --geoip ../shared/data/asn --scanners ../shared/data/warninglists/lists/censys-scanning/list.json "$PCAP"
expect_eq "$(json_get "$T/out" "(d['inputs'][0]['packets'], d['anomalies']['non_ip'], d['scanners'][0]['ip'])")" "(547, 503, '192.168.1.71')" "darknet scanner in nmap-vsn"
expect_exit 0 "sensors darknet --no-read-thread" -- "$NCERT" --json sensors darknet --no-read-thread --scan-threshold 5 "$PCAP"
expect_eq "$(json_get "$T/out" "(d['inputs'][0]['packets'], d['anomalies']['non_ip'], d['scanners'][0]['ip'])")" "(547, 503, '192.168.1.71')" "darknet --no-read-thread reads the same"
expect_exit 0 "sensors darknet --read-thread" -- "$NCERT" --json sensors darknet --read-thread --scan-threshold 5 "$PCAP"
expect_eq "$(json_get "$T/out" "(d['inputs'][0]['packets'], d['anomalies']['non_ip'], d['scanners'][0]['ip'])")" "(547, 503, '192.168.1.71')" "darknet --read-thread reads the same"
expect_exit 0 "sensors darknet --doorkeeper-kib" -- "$NCERT" --json sensors darknet --doorkeeper-kib 4 --scan-threshold 5 "$PCAP"
expect_eq "$(json_get "$T/out" "(d['inputs'][0]['packets'], d['scanners'][0]['ip'])")" "(547, '192.168.1.71')" "darknet with a 4 KiB doorkeeper finds the scanner"
expect_exit 2 "sensors darknet --doorkeeper-kib not a power of two" -- "$NCERT" sensors darknet --doorkeeper-kib 1000 "$PCAP"
expect_exit 0 "sensors darknet from stdin" -- sh -c "\"$NCERT\" --json sensors darknet - < $PCAP"
expect_eq "$(json_get "$T/out" "d['inputs'][0]['file']")" "(stdin)" "darknet reads stdin"
expect_exit 0 "sensors darknet (ja)" -- "$NCERT" --lang ja sensors darknet "$PCAP"
expect_grep "$T/out" "Mirai 感染ホスト" "Japanese darknet headings"
printf 'not a capture' > "$T/bad.pcap"
expect_exit 2 "sensors darknet bad input" -- "$NCERT" --json sensors darknet "$T/bad.pcap" "$PCAP"
expect_eq "$(json_get "$T/out" "(d['anomalies']['unreadable_files'], d['inputs'][1]['packets'])")" "(1, 547)" "bad file counted, next file read"
expect_exit 2 "sensors darknet bad prefix" -- "$NCERT" sensors darknet --prefix 300.1.2.0/24 "$PCAP"
if [ -s "$T/sim1/sensors/darknet.pcap" ]; then
  expect_exit 0 "sensors darknet --record on the simulator's darknet" -- "$NCERT" --db "$T/dk.db" --json sensors darknet --record "$T/sim1/sensors/darknet.pcap"
  expect_eq "$(json_get "$T/out" "d['packets'] > 0 and d['recorded']['indicators'] == min(len([h for h in d['mirai_hosts'] if h['confidence'] >= 70]), 20)")" "True" "darknet --record indicators"
fi
# taxii: usage errors and an unreachable peer (end-to-end pull/push between
# ncert processes waits for `ncert serve`; src/taxii/client_test.cc covers it
# against a 127.0.0.1 test server).
expect_exit 0 "taxii pull --help" -- "$NCERT" taxii pull --help
expect_grep "$T/out" "collection" "taxii pull --help names --collection"
expect_exit 2 "taxii without subcommand" -- "$NCERT" taxii
expect_exit 2 "taxii pull without URL" -- "$NCERT" --db "$DB" taxii pull --collection c
expect_exit 2 "taxii pull bad --since" -- "$NCERT" --db "$DB" taxii pull http://127.0.0.1:1/taxii2/x/ --collection c --since yesterday
expect_exit 2 "taxii pull ftp URL" -- "$NCERT" --db "$DB" taxii pull ftp://127.0.0.1/x/ --collection c
expect_exit 1 "taxii pull unreachable peer" -- "$NCERT" --db "$DB" taxii pull http://127.0.0.1:1/taxii2/x/ --collection c
expect_grep "$T/err" "127.0.0.1:1" "unreachable peer named"
expect_exit 2 "taxii push missing file" -- "$NCERT" --db "$DB" taxii push http://127.0.0.1:1/taxii2/x/ --collection c /nonexistent.json
# --- sensors: honeypot analysis, series, surge alerts ------------------------
S="$T/sensors.db"
FX=tests/fixtures/sensors
expect_exit 0 "sensors --help" -- "$NCERT" sensors --help
expect_grep "$T/out" "honeypot" "sensors --help lists honeypot"
expect_exit 2 "sensors without subcommand" -- "$NCERT" sensors
expect_exit 2 "honeypot: fixture with two bad lines" -- "$NCERT" --db "$S" --json sensors honeypot "$FX/cowrie.json"
expect_eq "$(json_get "$T/out" "d['bad_lines'], d['events'], d['sessions'], d['sessions_without_close']")" "2 18 4 2" "honeypot counts"
expect_eq "$(json_get "$T/out" "d['unknown_kinds']")" "{'cowrie.session.file_download.failed': 1}" "unknown eventid counted"
expect_eq "$(json_get "$T/out" "[(c['user'], c['password'], c['mirai']) for c in d['credentials']][0]")" "('admin', 'admin', True)" "top credential is Mirai's"
expect_eq "$(json_get "$T/out" "d['downloads'][0]['sha256'][:8], d['attackers'][0]['confidence']")" "9f86d081 90" "download and attacker confidence"
expect_grep "$T/err" "cowrie.json:18: json-invalid" "bad line named with file:line"
expect_exit 0 "honeypot dionaea" -- "$NCERT" --db "$S" sensors honeypot --sensor dionaea-1 "$FX/dionaea.json"
expect_grep "$T/out" "root / admin   [Mirai]" "dionaea credential marked"
expect_exit 2 "honeypot --record (bad lines: exit 2, the rest recorded)" -- "$NCERT" --db "$S" --json sensors honeypot --record "$FX/cowrie.json" --quiet
expect_grep "$T/out" "10 new" "knowledge recorded"
expect_exit 2 "honeypot --record again" -- "$NCERT" --db "$S" --json sensors honeypot --record "$FX/cowrie.json" --quiet
expect_grep "$T/out" "0 new, 0 new versions, 10 unchanged" "re-run records nothing new"
expect_exit 0 "query honeypot sightings" -- "$NCERT" --db "$S" --json query --type sighting
expect_eq "$(json_get "$T/out" "d['count']")" "4" "one sighting per indicator and sensor"
expect_exit 0 "stats --json" -- "$NCERT" --db "$S" --json sensors stats --sensor cowrie-tokyo-1 --resolution 5m
expect_eq "$(json_get "$T/out" "sorted(s['metric'] for s in d['series'])")" "['login_attempts', 'sessions', 'unique_sources']" "three series per sensor"
expect_eq "$(json_get "$T/out" "[s['points'] for s in d['series'] if s['metric']=='login_attempts'][0]")" "[['2022-02-24T03:00:00Z', 2], ['2022-02-24T03:05:00Z', 3], ['2022-02-24T04:00:00Z', 0]]" "5m login attempts"
expect_exit 0 "stats human" -- "$NCERT" --db "$S" sensors stats --metric sessions --resolution 1d
expect_grep "$T/out" "dionaea-1" "stats lists sensors"
expect_exit 2 "stats bad resolution" -- "$NCERT" --db "$S" sensors stats --resolution 2h
expect_exit 2 "stats bad time" -- "$NCERT" --db "$S" sensors stats --since yesterday
expect_exit 0 "org for series access" -- "$NCERT" --db "$S" org add "Kanto Electric" --type critical-infrastructure --sector electric-power
expect_exit 0 "member for series access" -- "$NCERT" --db "$S" user add sato --org "Kanto Electric" --role member
expect_exit 1 "members may not read sensor series" -- "$NCERT" --db "$S" --as sato sensors stats
expect_exit 1 "members may not write sensor series" -- "$NCERT" --db "$S" --as sato sensors honeypot "$FX/dionaea.json"
expect_exit 0 "audit has the sensors commands" -- "$NCERT" --db "$S" audit show --limit 50
expect_grep "$T/out" "sensors honeypot" "honeypot audited"
expect_grep "$T/out" "sensors stats" "stats audited"

# A month of Cowrie sessions with a weekly rhythm, then a 10x surge of
# sources: surge detection must find it, say so in English and Japanese, and
# record it once.
python3 - "$T/month.json" <<'PY'
import json, random, sys, datetime
random.seed(7)
t0 = datetime.datetime(2022, 1, 27, tzinfo=datetime.timezone.utc)
with open(sys.argv[1], "w") as f:
    n = 0
    for h in range(4 * 168 + 24):
        base = 20 * (1.5 if 8 <= h % 24 <= 20 else 1.0) * (0.7 if (h // 24) % 7 >= 5 else 1.0)
        if h >= 4 * 168 + 6:
            base *= 10
        for i in range(max(0, int(random.gauss(base, base ** 0.5)))):
            n += 1
            t = t0 + datetime.timedelta(hours=h, seconds=random.randrange(3600))
            ip = "198.18.%d.%d" % ((n // 250) % 256, n % 250 + 1)
            ts = t.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
            f.write(json.dumps({"eventid": "cowrie.session.connect", "src_ip": ip, "session": "s%d" % n, "sensor": "cowrie-tokyo-1", "timestamp": ts}) + "\n")
PY
expect_exit 0 "honeypot: a month of sessions" -- "$NCERT" --db "$S" --quiet sensors honeypot "$T/month.json"
expect_exit 0 "alerts --json" -- "$NCERT" --db "$S" --json sensors alerts --metric unique_sources
expect_eq "$(json_get "$T/out" "[(a['sensor'], a['since']) for a in d['alerts']]")" "[('cowrie-tokyo-1', '2022-02-24T06:00:00Z')]" "one surge, dated at its first hour"
expect_eq "$(json_get "$T/out" "8 < d['alerts'][0]['ratio'] < 12")" "True" "about 10x"
expect_grep "$T/out" "unique sources: " "English text"
expect_grep "$T/out" "since 2022-02-24 15:00 JST" "shown in JST"
expect_exit 0 "alerts (ja)" -- "$NCERT" --db "$S" --lang ja sensors alerts --metric unique_sources
expect_grep "$T/out" "4週間のベースラインの" "Japanese text"
expect_exit 0 "alerts --since after the surge" -- "$NCERT" --db "$S" --json sensors alerts --since 2022-03-30T00:00:00Z
expect_eq "$(json_get "$T/out" "len(d['alerts'])")" "0" "--since filters"
expect_exit 0 "alerts --record" -- "$NCERT" --db "$S" --json sensors alerts --metric unique_sources --record
expect_grep "$T/out" "1 new" "alert recorded"
expect_exit 0 "alerts --record again" -- "$NCERT" --db "$S" --json sensors alerts --metric unique_sources --record
expect_grep "$T/out" "0 new, 0 new versions, 2 unchanged" "no duplicate alert"
expect_exit 0 "the alert is a note" -- "$NCERT" --db "$S" --json query --type note
expect_eq "$(json_get "$T/out" "d['count'], d['objects'][0]['object_marking_refs']")" "1 ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421']" "one TLP:AMBER note"
printf '[sensors.surge]\ntime_zone = "UTC"\nh = 1000\n' > "$T/surge.toml"
expect_exit 0 "alerts with a config" -- "$NCERT" --db "$S" --config "$T/surge.toml" --json sensors alerts
expect_eq "$(json_get "$T/out" "len(d['alerts'])")" "0" "h from [sensors.surge]"
printf '[sensors.surge]\ntime_zone = "Mars/Olympus"\n' > "$T/badzone.toml"
expect_exit 2 "alerts with an unknown zone" -- "$NCERT" --db "$S" --config "$T/badzone.toml" sensors alerts

# --follow: appended lines, a rotation and a truncation, then SIGTERM.
# caught_up PID FILE: waits (up to 20 s) until PID has FILE open and has read
# it to its end (its offset, from /proc, equals the size): the steps below do
# not depend on how fast the follower starts or polls on a loaded machine.
caught_up() {
  local pid=$1 file=$2 fd size pos
  for _ in $(seq 1 400); do
    size=$(stat -c %s "$file" 2>/dev/null || echo -1)
    for fd in /proc/"$pid"/fd/*; do
      [ "$(readlink "$fd" 2>/dev/null)" = "$(readlink -f "$file")" ] || continue
      pos=$(awk '/^pos:/ {print $2}' /proc/"$pid"/fdinfo/"${fd##*/}" 2>/dev/null)
      [ "$pos" = "$size" ] && return 0
    done
    sleep 0.05
  done
  echo "  (the follower did not catch up with $file)"
}
F="$T/live.json"
: > "$F"
"$NCERT" --db "$T/follow.db" --json sensors honeypot --follow --poll-ms 50 "$F" > "$T/follow.out" 2> "$T/follow.err" &
FPID=$!
caught_up "$FPID" "$F"
head -4 "$FX/cowrie.json" >> "$F"
caught_up "$FPID" "$F"
mv "$F" "$F.1"
sed -n 11,14p "$FX/cowrie.json" > "$F"
caught_up "$FPID" "$F"
: > "$F"
sleep 0.3  # a poll sees the empty file (a truncation) before it grows again
sed -n 20p "$FX/cowrie.json" > "$F"
caught_up "$FPID" "$F"
kill -TERM "$FPID"
wait "$FPID"; rc=$?
expect_eq "$rc" "0" "--follow stops cleanly on SIGTERM"
expect_eq "$(json_get "$T/follow.out" "d['events'], d['sessions'], d['login_attempts']")" "9 3 4" "--follow read appended, rotated and truncated files"
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

# --- match ---------------------------------------------------------------------
MDB="$T/match.db"
MFX=tests/fixtures/match
WL="$DATA/warninglists/lists"
"$NCERT" --db "$MDB" ingest "$MFX/indicators.json" >/dev/null 2>&1
expect_exit 0 "match --help" -- "$NCERT" match --help
expect_grep "$T/out" "--record" "match --help names --record"
expect_exit 2 "match without files" -- "$NCERT" --db "$MDB" match
expect_exit 2 "match bad --format" -- "$NCERT" --db "$MDB" match --format pcap "$MFX/eve.json"
expect_exit 0 "match --json (no warninglists)" -- "$NCERT" --db "$MDB" --json match "$MFX/eve.json"
expect_eq "$(tail -1 "$T/out" | python3 -c "import json,sys; s=json.load(sys.stdin)['summary']; print(s['events'], s['matches'], sorted(s['by_kind']), s['skipped_lines'], sorted(s['malformed_by_rule']))")" \
  "5 5 ['cidr', 'exact-ip', 'hash', 'subdomain', 'url'] 1 ['bad-ip', 'not-an-object']" "match finds every planted kind, counts bad lines"
expect_eq "$(head -n -1 "$T/out" | python3 -c "import json,sys; print(sorted((m['line'], m['kind'], m['indicator_id'][-2:]) for m in map(json.loads, sys.stdin)))")" \
  "[(1, 'cidr', '01'), (2, 'exact-ip', '03'), (2, 'subdomain', '02'), (3, 'url', '04'), (4, 'hash', '05')]" "match: each match at its line"
expect_eq "$(tail -1 "$T/out" | python3 -c "import json,sys; print([i for i in json.load(sys.stdin)['summary']['issues'] if 'bad-ip' in i])")" \
  "[\"$MFX/eve.json:6: bad-ip: src_ip: '999.1.1.1' is not an IP address\"]" "match reports the bad line with file and line"
expect_exit 0 "match --threads 0" -- "$NCERT" --db "$MDB" --json match --threads 0 "$MFX/eve.json" "$MFX/eve.json"
head -n -1 "$T/out" > "$T/match-t0.ndjson"
expect_exit 0 "match --threads 3" -- "$NCERT" --db "$MDB" --json match --threads 3 "$MFX/eve.json" "$MFX/eve.json"
head -n -1 "$T/out" > "$T/match-t3.ndjson"
expect_eq "$(cmp -s "$T/match-t0.ndjson" "$T/match-t3.ndjson" && wc -l < "$T/match-t3.ndjson")" "10" "match: the same matches in the same order with 0 and 3 threads"
expect_exit 2 "match --threads -1" -- "$NCERT" --db "$MDB" match --threads -1 "$MFX/eve.json"
expect_exit 0 "match with the real warninglists" -- "$NCERT" --db "$MDB" --json match --warninglists "$WL" "$MFX/eve.json"
expect_eq "$(tail -1 "$T/out" | python3 -c "import json,sys; s=json.load(sys.stdin)['summary']; print(s['matches'], s['suppressed'], 'List of known IPv4 public DNS resolvers' in s['suppressed_by_list'])")" \
  "2 3 True" "warninglists suppress 8.8.8.8, TEST-NET and the empty-file hash, naming the list"
expect_exit 0 "match human output" -- "$NCERT" --db "$MDB" match --warninglists "$WL" "$MFX/eve.json"
expect_grep "$T/out" "subdomain" "human output names the kind"
expect_grep "$T/out" "suppressed" "human output names suppressions"
expect_exit 0 "match human output (ja)" -- "$NCERT" --db "$MDB" --lang ja match "$MFX/eve.json"
expect_grep "$T/out" "照合" "Japanese summary"
# Visibility: a member who may see nothing matches nothing.
"$NCERT" --db "$MDB" org add "Small Co" --type company >/dev/null 2>&1
"$NCERT" --db "$MDB" user add small@co.example --org "Small Co" --role member >/dev/null 2>&1
expect_exit 0 "match as a member" -- "$NCERT" --db "$MDB" --as small@co.example --json match "$MFX/eve.json"
expect_eq "$(tail -1 "$T/out" | python3 -c "import json,sys; s=json.load(sys.stdin)['summary']; print(s['index']['indicators'], s['matches'])")" "0 0" "a member's index holds only what it may see"
# --record: aggregated sightings; re-running the same file adds nothing.
expect_exit 0 "match --record" -- "$NCERT" --db "$MDB" --json match --record "$MFX/eve.json"
expect_eq "$(tail -1 "$T/out" | python3 -c "import json,sys; r=json.load(sys.stdin)['summary']['recorded']; print(r['sightings_new'], r['records'])")" "5 5" "match --record stores one sighting per indicator"
expect_exit 0 "match --record again" -- "$NCERT" --db "$MDB" --json match --record "$MFX/eve.json"
expect_eq "$(tail -1 "$T/out" | python3 -c "import json,sys; r=json.load(sys.stdin)['summary']['recorded']; print(r['sightings_new'], r['sightings_unchanged'])")" "0 5" "re-running the same file records nothing new"
expect_exit 0 "query sightings" -- "$NCERT" --db "$MDB" --json query --type sighting
expect_eq "$(json_get "$T/out" "len(d['objects'])")" "5" "five sightings stored"
expect_exit 1 "match --record as a sensor is refused" -- sh -c "\"$NCERT\" --db \"$MDB\" user add s1 --org 'Small Co' --role sensor >/dev/null 2>&1; \"$NCERT\" --db \"$MDB\" --as s1 match --record \"$MFX/eve.json\""

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
