#!/usr/bin/env bash
# `elva history export --format xes|ocel` (issue 19 part 4; docs/operations.md#history-export) against a
# fresh database on the test server: two instances, one completed; the export is validated with
# xmllint against tests/data/xes/xes-1849-2016-structure.xsd (the XES XML serialization's
# structure and datatypes, written from IEEE 1849-2016: see its header) and read back with
# Python's XML parser: one trace per instance, the transitions in order, names escaped.
# usage: history_export_test.sh ELVA SOURCE_DIR
set -uo pipefail
elva=$1
src=$2
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
source "$(dirname "$0")/fresh_db.sh"
fresh_database "elva_xes_cli_$$"
command -v xmllint >/dev/null || { echo "FAIL: xmllint is missing (apt-get install libxml2-utils)"; exit 1; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); print($1)"; }

expect 0 "db migrate" -- "$elva" db migrate
expect 0 "deploy" -- "$elva" deploy "$src/tests/data/xes/xes-permit.bpmn"
expect 0 "start one" -- "$elva" start xes-permit --format json
first=$(json 'd["id"]')
expect 0 "start another" -- "$elva" start xes-permit --format json
second=$(json 'd["id"]')
expect 0 "complete the first one's review" -- "$elva" complete "$first" review

expect 0 "export as XES" -- "$elva" history export xes-permit --format xes --out "$tmp/log.xes"
expect 0 "the export is valid against the XES schema" -- xmllint --noout --schema "$src/tests/data/xes/xes-1849-2016-structure.xsd" "$tmp/log.xes"
expect 0 "the same on standard output" -- "$elva" history export xes-permit
cmp -s "$tmp/out" "$tmp/log.xes" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: --out and stdout differ"; }

cat >"$tmp/check.py" <<PY
import sys, xml.etree.ElementTree as ET
ns = {"x": "http://www.xes-standard.org/"}
log = ET.parse("$tmp/log.xes").getroot()
def attr(el, key):
    for a in el:
        if a.get("key") == key: return a.get("value")
traces = {attr(t, "concept:name"): t for t in log.findall("x:trace", ns)}
assert set(traces) == {"$first", "$second"}, traces.keys()
def events(t): return [(attr(e, "concept:name"), attr(e, "lifecycle:transition"), attr(e, "time:timestamp"), attr(e, "org:resource")) for e in t.findall("x:event", ns)]
review = 'Review & decide <permit> "now"'
done = events(traces["$first"])
assert [(n, l) for n, l, _, _ in done] == [("Applied", "complete"), (review, "start"), (review, "complete"), ("e", "complete")], done
assert [t for _, _, t, _ in done] == sorted(t for _, _, t, _ in done), "events in time order"
assert all(r == "cli" for _, _, _, r in done), "the CLI acted"
waiting = events(traces["$second"])
assert [(n, l) for n, l, _, _ in waiting] == [("Applied", "complete"), (review, "start")], waiting
assert attr(log, "concept:name") == "xes-permit"
print("ok")
PY
expect 0 "the log reads back: traces, transitions, order, escaping" -- python3 "$tmp/check.py"

expect 0 "a window before anything started: a log without traces" -- "$elva" history export xes-permit --from 2020-01-01 --to 2020-02-01 --out "$tmp/empty.xes"
expect 0 "... still valid" -- xmllint --noout --schema "$src/tests/data/xes/xes-1849-2016-structure.xsd" "$tmp/empty.xes"
expect 1 "an unknown process" -- "$elva" history export nope
contains err "process 'nope' is not deployed" "says so"
expect 2 "another format is a usage error" -- "$elva" history export xes-permit --format csv

# OCEL 2.0: valid against tests/data/ocel/ocel-2.0-json.schema.json, its references hold, the same
# events as the XES log (6: four of the first case, two of the second) and both cases as objects.
expect 0 "export as OCEL 2.0" -- "$elva" history export xes-permit --format ocel --out "$tmp/log.jsonocel"
expect 0 "the OCEL log is valid and its references hold" -- node "$src/tests/cli/ocel_check.mjs" "$tmp/log.jsonocel" "$src/tests/data/ocel/ocel-2.0-json.schema.json"
contains out '"events":6' "six events, as in the XES log"
contains out '"cases":2' "both cases are objects"

echo "history export CLI: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
