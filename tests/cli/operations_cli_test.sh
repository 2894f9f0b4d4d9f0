#!/usr/bin/env bash
# Versions, diff, modification and repair as an operator meets them (docs/operations.md), against
# a fresh database on the test server (ELVA_TEST_DATABASE_URL): exit codes (0 done, 1 refused,
# 2 usage, 3 database), messages, --format json, and the audit lines in the instance's history.
# usage: operations_cli_test.sh ELVA SOURCE_DIR
set -uo pipefail
elva=$1
src=$2
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
source "$(dirname "$0")/fresh_db.sh"
fresh_database "elva_ops_cli_$$"
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); print($1)"; }

v1="$src/tests/scenarios/operations.bpmn"
v2="$src/tests/data/operations-v2.bpmn"

# --- diff of two files: no database needed
expect 0 "diff of two files" -- "$elva" diff "$v1" "$v2" --db "postgresql:///x?host=/nonexistent"
contains out "operations: $v1 (tag 1.0) -> $v2 (tag 1.1)" "names both sides with their tags"
contains out "+ element notice (userTask)" "an added element"
contains out "- element late (endEvent)" "a removed element"
contains out "~ element check (userTask)" "a changed element with its new type"
contains out "type: \"serviceTask\" -> \"userTask\"" "the type change"
contains out "timer: \"timeDuration P3D\" -> \"timeDuration P2D\"" "the timer change"
contains out "assignment: \"assignee=boss\" -> \"candidateGroups=managers\"" "the assignment change"
contains out "connector: \"registry-check\" -> \"\"" "the connector (job type) change"
contains out "target: \"archive\" -> \"notice\"" "a flow's new target"
expect 0 "diff of a file with itself" -- "$elva" diff "$v1" "$v1"
contains out "No differences." "says so"
expect 0 "diff as json" -- "$elva" diff "$v1" "$v2" --format json
[ "$(json 'len(d["added"])')" = 3 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: 3 added (notice, tooLate, f8)"; cat "$tmp/out" | head -40; }
expect 2 "diff of a missing file exits 2" -- "$elva" diff "$v1" "$tmp/none.bpmn"
contains err "none.bpmn" "names the file"
expect 2 "diff with one argument is a usage error" -- "$elva" diff "$v1"

# --- versions
expect 0 "db migrate" -- "$elva" db migrate
expect 0 "deploy version 1" -- "$elva" deploy "$v1"
expect 0 "start on version 1" -- "$elva" start operations
expect 0 "start another on version 1" -- "$elva" start operations --format json
id=$(json 'd["id"]')
expect 0 "deploy version 2" -- "$elva" deploy "$v2"
contains out "version 2  deployed" "a new version"
expect 0 "start on version 2" -- "$elva" start operations
expect 0 "definitions PROCESS lists the versions" -- "$elva" definitions operations
contains out "operations (latest: v2)" "names the latest"
contains out "cli:$(id -un)" "who deployed"
expect 0 "definitions PROCESS as json" -- "$elva" definitions operations --format json
[ "$(json '[ (v["version"], v["versionTag"], v["instances"]["active"], v["instances"]["incident"]) for v in d["versions"]]')" = "[(1, '1.0', 2, 0), (2, '1.1', 1, 0)]" ] \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: versions with tags and counts"; cat "$tmp/out"; }
expect 1 "definitions of an unknown process exits 1" -- "$elva" definitions no-such
contains err "'no-such' is not deployed" "says so"
expect 0 "diff of two deployed versions" -- "$elva" diff operations 1 2
contains out "operations: version 1 (tag 1.0) -> version 2 (tag 1.1)" "names the versions"
contains out "+ element notice (userTask)" "the same comparison as for files"
expect 0 "diff against the latest (0)" -- "$elva" diff operations 1 0 --format json
[ "$(json 'd["to"]["version"]')" = 2 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: 0 is the latest"; }
expect 1 "diff of an unknown version exits 1" -- "$elva" diff operations 1 7
contains err "has no version 7" "names the version"
expect 2 "a version that is not a number exits 2" -- "$elva" diff operations 1 x

# --- modification (instance $id runs on version 1 and waits at review)
expect 2 "modify without --reason is a usage error" -- "$elva" modify "$id" --cancel review
expect 2 "a --set that is not name=JSON exits 2" -- "$elva" modify "$id" --set amount --reason r
expect 2 "a --set value that is not JSON exits 2" -- "$elva" modify "$id" --set name=Anna --reason r
contains err "a text needs quotes" "says how to write a text"
expect 1 "modify refuses an unknown element" -- "$elva" modify "$id" --start-before notice --reason "v2 only"
contains err "there is no element 'notice' in process 'operations' (this instance's version)" "says why"
expect 1 "modify refuses to cancel what is not active" -- "$elva" modify "$id" --cancel archive --reason r
contains err "'archive' is not active in this instance" "says why"
expect 1 "modify of an unknown instance exits 1" -- "$elva" modify 999999999 --cancel review --reason r
expect 0 "modify: cancel review, start before decide (creates the sub-process)" -- \
  "$elva" modify "$id" --cancel review --start-before decide --set amount=1200 --reason "reviewed on paper" --actor "ops-anna"
contains out "Modified; instance $id is active, at " "says where it is"
expect 0 "instance after modify" -- "$elva" instance "$id" --format json
[ "$(json 'sorted(a["element"] for a in d["active"])')" = "['decide', 'sub']" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: decide inside sub"; cat "$tmp/out" | head -30; }
[ "$(json 'd["variables"]["amount"]')" = 1200 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: --set"; }
[ "$(json '[ (h["actor"], h["data"]["reason"]) for h in d["history"] if h["kind"] == "operator"]')" = "[('cli:ops-anna', 'reviewed on paper')]" ] \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: the audit line has who and why"; cat "$tmp/out" | head -60; }

# --- repair: variables
expect 0 "variables set" -- "$elva" variables set "$id" 'note="urgent"' count=3 --reason "for the decision"
expect 0 "variables set in a scope" -- "$elva" variables set "$id" 'local="x"' --scope decide --reason "only here"
expect 0 "variables remove" -- "$elva" variables remove "$id" count --reason "not needed"
expect 1 "variables remove of a missing name exits 1" -- "$elva" variables remove "$id" never --reason r
contains err "there is no variable 'never' in the process" "names it"
expect 1 "a scope that is not active exits 1" -- "$elva" variables set "$id" a=1 --scope archive --reason r
expect 2 "variables set without --reason is a usage error" -- "$elva" variables set "$id" a=1
expect 0 "instance after the variables" -- "$elva" instance "$id" --format json
[ "$(json '(d["variables"].get("note"), "count" in d["variables"])')" = "('urgent', False)" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: set and removed"; }
[ "$(json 'len([h for h in d["history"] if h["kind"] == "operator"])')" = 4 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: one audit line per action"; }

# --- repair: jobs (no worker runs here, so the registry check's job waits)
expect 0 "a version 1 case" -- "$elva" instances --process operations --format json
job_case=$(json '[i["id"] for i in d if i["version"] == 1 and i["id"] != '"$id"'][0]')
expect 0 "complete review on the version 1 case" -- "$elva" complete "$job_case" review
expect 0 "its job" -- "$elva" instance "$job_case" --format json
job=$(json 'd["jobs"][0]["key"]')
expect 1 "an unknown job exits 1" -- "$elva" job complete 999999999 --reason r
contains err "there is no job 999999999" "says so"
expect 2 "job retries 0 is a usage error" -- "$elva" job retries "$job" 0 --reason r
expect 0 "job retries" -- "$elva" job retries "$job" 7 --reason "worker restarted" --format json
new_job=$(json 'd["job"]')
[ "$new_job" != "$job" ] && [ "$(json '[j["retries"] for j in d["jobs"]]')" = "[7]" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: a new key with 7 retries"; cat "$tmp/out" | head -30; }
expect 0 "job fail with 0 retries left raises the incident" -- "$elva" job fail "$new_job" --message "registry moved" --retries 0 --reason "worker hangs"
contains out "Incident" "shows the incident"
expect 0 "incidents" -- "$elva" incidents --format json
incident=$(json 'd[0]["key"]')
expect 0 "retry the incident" -- "$elva" retry "$incident"
expect 0 "the job is back" -- "$elva" instance "$job_case" --format json
job=$(json 'd["jobs"][0]["key"]')
expect 0 "job complete" -- "$elva" job complete "$job" --vars '{"registered": true}' --reason "checked by phone"
contains out "decide." "the process went on to decide"
expect 1 "the job is gone" -- "$elva" job complete "$job" --reason again

# --- cancelling every token terminates the instance
expect 0 "modify: cancel the last token" -- "$elva" modify "$job_case" --cancel sub --reason "withdrawn"
contains out "is terminated" "the instance ended"

echo "operations CLI: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
