#!/usr/bin/env bash
# Data classes, the records of processing and the retention cleanup as a developer and an
# administrator meet them (docs/privacy.md): validate's warnings and errors at file:line, inspect,
# `elva privacy report` in Markdown and JSON, and `elva history cleanup` on a fresh database.
# usage: privacy_cli_test.sh ELVA SOURCE_DIR
set -uo pipefail
elva=$1
src=$2
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
data="$src/tests/data/privacy"
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); print($1)"; }

# --- validate: unmarked personal data is a warning where it is used; a wrong class an error
expect 1 "validate finds the wrong data class" -- "$elva" validate "$data/unmarked.bpmn"
contains out "unmarked.bpmn:8:5: warning: element 'ask' (userTask): variable 'applicant' (applicant.firstName) looks like personal data but has no data class" "the task name's variable, at its line"
contains out "form 'contact' field 'personnummer': looks like sensitive personal data but has no data class" "an unmarked form field"
contains out "form 'contact' field 'street': properties.dataClass \"privat\" is not a data class" "a wrong class is an error"
grep -q "field 'phoneNumber'" "$tmp/out" && { failed=$((failed + 1)); echo "FAIL: a marked field warned"; } || passed=$((passed + 1))
grep -q "field 'phone'" "$tmp/out" && { failed=$((failed + 1)); echo "FAIL: a checkbox warned"; } || passed=$((passed + 1))
expect 0 "a marked process is valid" -- "$elva" validate "$data/marked.bpmn"
contains out "(0 errors, 0 warnings)" "and has nothing to say"
expect 0 "the process library is marked" -- "$elva" validate "$src/processes"
grep -q "looks like\|kept for ever" "$tmp/out" && { failed=$((failed + 1)); echo "FAIL: the library has privacy warnings"; grep "looks like\|kept for ever" "$tmp/out" | head; } || passed=$((passed + 1))

# --- inspect shows them
expect 0 "inspect" -- "$elva" inspect "$data/marked.bpmn"
contains out "personnummer: sensitive, retention P30D" "a class with its retention"
contains out "applicant: personal, identifies the data subject" "the subject"
expect 0 "inspect json" -- "$elva" inspect "$data/marked.bpmn" --format json
[ "$(json 'd["processes"][0]["dataClasses"][1]["class"]')" = "sensitive" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: inspect json dataClasses"; }

# --- the records of processing
expect 0 "privacy report (Markdown)" -- "$elva" privacy report "$data/marked.bpmn"
contains out "# Records of processing" "a title"
contains out "## Parking permit (\`marked\`)" "a section per process"
contains out "**Purpose:** Deciding parking permits for residents." "the purpose from the documentation"
contains out "**Retention:** P180D after the case ends" "historyTimeToLive in days"
contains out "| personnummer | sensitive | P30D | bpmn |" "a class row"
contains out "| draft | working | PT0S | bpmn |" "working data goes at the end"
contains out "| Look up the address | registry.lookup | connector | personnummer | personnummer |" "a recipient and what it receives"
contains out "| Tell the applicant | mail.send | connector | applicant, decision | applicant, decision |" "literal text with {{...}} counts"
contains out "| Archive | archive.store | connector | all | applicant, decision, personnummer |" "no mappings: every variable"
expect 0 "privacy report (JSON) of the library" -- "$elva" privacy report "$src/processes" --format json
[ "$(json '[p["dataClasses"].get("personal") for p in d["processes"] if p["process"] == "personnel-hire"][0]')" = "['employee']" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: hire's personal data"; }
[ "$(json '"hr.createUser" in [r["jobType"] for p in d["processes"] if p["process"] == "personnel-hire" for r in p["recipients"]]')" = "True" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: hire's recipients"; }
expect 2 "privacy report without files" -- "$elva" privacy report

# --- the cleanup on a database (skipped without the test server, as the other CLI tests)
if [ -n "${ELVA_TEST_DATABASE_URL:-}" ]; then
  source "$(dirname "$0")/fresh_db.sh"
  fresh_database "elva_privacy_cli_$$"
  expect 0 "migrate" -- "$elva" db migrate
  expect 0 "deploy" -- "$elva" deploy --config "$src/examples/demo/elva.toml" "$src/processes/personnel-hire.bpmn" "$src/processes/forms"
  expect 0 "a dry run with nothing due" -- "$elva" history cleanup --dry-run
  contains out "Due (dry run, nothing removed): 0 instances" "counts nothing"
  expect 0 "report from the database" -- "$elva" privacy report --from-db --format json
  [ "$(json 'd["processes"][0]["retention"]')" = "P10Y" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: deployed retention"; }
  expect 2 "a batch of 0 is refused" -- "$elva" history cleanup --batch 0
else
  echo "*** database part SKIPPED: no ELVA_TEST_DATABASE_URL ***"
fi

echo "privacy CLI: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
