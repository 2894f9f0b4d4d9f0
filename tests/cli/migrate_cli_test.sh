#!/usr/bin/env bash
# `elva migrate plan|dry-run|run` as an administrator meets them, against a fresh database on the
# test server (ELVA_TEST_DATABASE_URL): output, exit codes (0 done, 1 refused or some instance
# cannot move, 2 usage, 3 database), --format json, and the instance afterwards.
# usage: migrate_cli_test.sh ELVA SOURCE_DIR
set -uo pipefail
elva=$1
src=$2
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
source "$(dirname "$0")/fresh_db.sh"
fresh_database "elva_migrate_cli_$$"
s="$src/tests/scenarios"

expect 0 "db migrate" -- "$elva" db migrate
expect 0 "deploy version 1" -- "$elva" deploy "$s/migration-v1.bpmn"
expect 0 "start" -- "$elva" start migrating --vars '{"caseId": "C1", "units": ["north"]}' --business-key C1
expect 0 "instances as json" -- "$elva" instances --process migrating --format json
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$tmp/out")
expect 1 "a plan to a version that is not deployed exits 1" -- "$elva" migrate plan migrating --from 1 --to 2
contains err "has no version 2 (versions: 1)" "names the versions there are"
expect 0 "deploy version 2" -- "$elva" deploy "$s/migration-v2.bpmn"
expect 2 "--map without = is a usage error" -- "$elva" migrate plan migrating --from 1 --to 2 --map approve
expect 2 "--timers takes keep, recompute or rebase" -- "$elva" migrate plan migrating --from 1 --to 2 --timers later
expect 1 "a mapping to an element of another kind exits 1" -- "$elva" migrate plan migrating --from 1 --to 2 --map approve=remind
contains err "'approve' is a userTask and 'remind' a boundaryEvent" "says why"
expect 0 "a plan without the mapping" -- "$elva" migrate plan migrating --from 1 --to 2 --out "$tmp/unmapped.json"
contains out "unmapped approve (userTask): version 2 has no 'approve'" "names what is unmapped"
contains out "1 active instance(s) on v1" "counts the instances"
expect 1 "its dry run exits 1" -- "$elva" migrate dry-run "$tmp/unmapped.json"
contains out "$id  needs-mapping: a token is at 'approve' (userTask)" "says which instance needs what"
expect 0 "the plan with the mapping" -- "$elva" migrate plan migrating --from 1 --to 2 --map approve=decide --timer remind=rebase --out "$tmp/plan.json"
contains out "mapped   approve -> decide" "shows the mapping"
contains out "timer    remind: rebase" "shows the timer rule"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); assert p["map"] == {"approve": "decide"} and p["timerRules"] == {"remind": "rebase"}' "$tmp/plan.json" &&
  passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: the plan file holds the mapping and rule"; }
expect 0 "its dry run exits 0" -- "$elva" migrate dry-run "$tmp/plan.json"
contains out "$id  migrates" "the instance migrates"
contains out "timer remind: rebase, due 2026" "says what the timer does"
contains out "subscription awaitDocs: moved, correlation key changed" "says the subscription follows the new key"
expect 0 "nothing changed: still version 1" -- "$elva" instance "$id"
contains out "of migrating v1" "the dry run wrote nothing"
expect 2 "run without --reason is a usage error" -- "$elva" migrate run "$tmp/plan.json"
expect 1 "a run with a blank reason exits 1" -- "$elva" migrate run "$tmp/plan.json" --reason " "
contains err "say why (--reason)" "asks why"
expect 2 "an unreadable plan exits 2" -- "$elva" migrate run "$tmp/none.json" --reason x
expect 2 "a bad --instances exits 2" -- "$elva" migrate dry-run "$tmp/plan.json" --instances "who:me"
expect 0 "run" -- "$elva" migrate run "$tmp/plan.json" --reason "approve is decide now" --instances "businessKey:C1"
contains out "1 migrated" "counts what moved"
expect 0 "the instance" -- "$elva" instance "$id"
contains out "of migrating v2" "points at version 2"
contains out "decide (userTask), waiting" "its token is at decide"
contains out "\"reason\":\"approve is decide now\"" "the reason is in history"
expect 0 "run again" -- "$elva" migrate run "$tmp/plan.json" --reason again --instances "ids:$id" --format json
contains out "\"already-migrated\"" "a second run leaves it alone"
# Back again: the inverse plan.
expect 0 "the inverse plan" -- "$elva" migrate plan migrating --from 2 --to 1 --map decide=approve --out "$tmp/back.json"
expect 0 "migrate back" -- "$elva" migrate run "$tmp/back.json" --reason "back"
expect 0 "the instance" -- "$elva" instance "$id"
contains out "approve (userTask), waiting" "back at approve"
expect 3 "an unreachable database exits 3" -- "$elva" migrate plan migrating --from 1 --to 2 --db "postgresql:///x?host=/nonexistent&user=elva"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
