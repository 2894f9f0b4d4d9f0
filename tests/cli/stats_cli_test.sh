#!/usr/bin/env bash
# `elva stats` as an operator meets it (docs/operations.md#stats), against a fresh database on the
# test server: two permits started, one completed, then the figures as text and JSON; exit codes
# (0 shown, 1 unknown process or a bad date, 2 usage); a deadline that is not a duration is
# refused at deploy with its file:line.
# usage: stats_cli_test.sh ELVA SOURCE_DIR
set -uo pipefail
elva=$1
src=$2
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
source "$(dirname "$0")/fresh_db.sh"
fresh_database "elva_stats_cli_$$"
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); print($1)"; }

bpmn="$src/tests/data/stats-permit.bpmn"
expect 0 "db migrate" -- "$elva" db migrate
expect 0 "deploy the permit" -- "$elva" deploy "$bpmn"
expect 0 "start one" -- "$elva" start permit --format json
first=$(json 'd["id"]')
expect 0 "start another" -- "$elva" start permit
expect 0 "complete the first one's review" -- "$elva" complete "$first" review

expect 0 "stats as text" -- "$elva" stats permit
contains out "permit (Building permit, v1)" "names the process and version"
contains out "started 2, completed 1, running 1" "the counts"
contains out "review (userTask): 1 completed" "the review step"
contains out "review (Review the application): 2 tasks" "the tasks before which cases wait"
contains out "Deadline P10D from the start: 1 of 1 completed in time (100%)" "the deadline met"
contains out "Overdue tasks: 0" "nothing overdue"

expect 0 "stats as JSON, by unit" -- "$elva" stats permit --by unit --format json
[ "$(json 'd["instances"]["started"], d["instances"]["running"], d["deadline"]["share"]')" = "2 1 1.0" ] &&
  passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: the JSON figures"; head -c 1500 "$tmp/out"; }
[ "$(json 'sorted(u["unit"] for u in d["units"])')" = "['(no unit)', 'case-officers']" ] &&
  passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: units: CLI starts have none, tasks go to their group"; head -c 1500 "$tmp/out"; }

expect 0 "a window with nothing in it" -- "$elva" stats permit --from 2020-01-01 --to 2020-02-01
contains out "started 0, completed 0, running 1; lead time p50/p90 - / -" "zero, and no lead time"
expect 1 "an unknown process" -- "$elva" stats nope
contains err "process 'nope' is not deployed" "says so"
expect 1 "a date that is not one" -- "$elva" stats permit --from yesterday
contains err "--from must be a date" "says what it takes"
expect 2 "--by something else is a usage error" -- "$elva" stats permit --by person

sed 's/elva:deadline="P10D"/elva:deadline="ten days"/' "$bpmn" >"$tmp/bad.bpmn"
expect 1 "a deadline that is not a duration" -- "$elva" deploy "$tmp/bad.bpmn"
contains err "bad.bpmn:4:" "at its line"
contains err "elva:deadline must be a positive ISO 8601 duration" "and why"

echo "stats CLI: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
