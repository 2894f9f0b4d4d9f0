#!/usr/bin/env bash
# `elva import` as a municipality meets it (docs/sharing.md): the report's lines, --format json,
# the binding skeleton, a filled binding beside the files, and (mode "deploy") --deploy against
# a fresh database on the test server. Exit codes: 0 deployable, 1 errors, 2 usage.
# usage: import_cli_test.sh ELVA SOURCE_DIR [report|deploy]
set -uo pipefail
elva=$1
src=$2
mode=${3:-report}
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
corpus="$src/tests/data/import"
trap 'rm -rf "$tmp"' EXIT

if [ "$mode" = "deploy" ]; then
  source "$(dirname "$0")/fresh_db.sh"
  fresh_database "elva_import_cli_$$"
  expect 0 "db migrate" -- "$elva" db migrate
  mkdir -p "$tmp/operaton"
  cp "$corpus/operaton/parking-permit.bpmn" "$tmp/operaton/"
  expect 0 "an Operaton file with an external topic deploys" -- "$elva" import "$tmp/operaton" --deploy
  contains out "deployed parking-permit version 1" "says what was deployed"
  contains out "parking-permit.bpmn:7: element 'fee' (serviceTask): runs after configuration: needs an external worker for topic 'parking-fee'" "reports the topic"
  expect 0 "it is deployed" -- "$elva" definitions
  contains out "parking-permit" "the definition is there"
  mkdir -p "$tmp/c7" && cp "$corpus/camunda7/building-permit.bpmn" "$tmp/c7/"
  expect 1 "a file with Java code deploys nothing" -- "$elva" import "$tmp/c7" --deploy --no-skeleton
  contains err "nothing was deployed" "says nothing was deployed"
  expect 0 "definitions" -- "$elva" definitions
  if grep -q building-permit "$tmp/out"; then failed=$((failed + 1)); echo "FAIL: building-permit was deployed"; else passed=$((passed + 1)); fi
  # With the binding: the delegates run as worker topics and the file deploys.
  cat >"$tmp/c7/elva-binding.toml" <<'TOML'
[timers]
time_zone = "Europe/Stockholm"
[class."se.kommun.permit.RegisterCaseDelegate"]
topic = "register-case"
[bean."archiveDelegate"]
connector = "elva.noop"
TOML
  expect 0 "bound, it deploys" -- "$elva" import "$tmp/c7" --deploy
  contains out "deployed building-permit version 1" "deployed"
  contains out "deployed nightly-reminders version 1" "the cron process too"
  echo "import deploy: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
fi

cp -r "$corpus" "$tmp/corpus"
c="$tmp/corpus"
expect 1 "the Camunda 7 folder has files that do not run" -- "$elva" import "$c/camunda7"
contains out "camunda7/building-permit.bpmn (Camunda 7): does not run" "a verdict per file"
contains out "building-permit.bpmn:7: element 'register' (serviceTask): does not run: camunda:class runs Java code inside the engine" "Java code at its line"
contains out "building-permit.bpmn:23: element 'yes' (sequenceFlow): runs: " "the flow's line"
contains out "converted: condition: execution.getVariable('approved') -> approved" "JUEL converted"
contains out "expressionLanguage=\"http://www.w3.org/1999/XPath\" on <definitions> is taken as modeler boilerplate" "XPath boilerplate reported"
contains out "timer cycle '0 0 2 * * ?' is read as cron, firing in UTC" "cron with its zone"
contains out "address-change.bpmn:8: element 'lookup' (serviceTask): runs: converted: " "the task's line"
contains out "converted: camunda:connector http-connector runs on Elva's http connector (http.request)" "http-connector mapped"
contains out "input 'subject': text template 'Hej \${name}' -> \"Hej \" + string(name)" "mail subject template"
contains out "input 'to': text template '\${firstName}@city.example' -> string(firstName) + \"@city.example\"" "address template"
contains out "school-placement.bpmn:4: element 'applied' (startEvent): runs: converted: camunda:executionListener (event 'end', expression" "a listener that sets a variable runs"
contains out "school-placement.bpmn:20: element 'choose' (userTask): degraded: lost: camunda:taskListener (event 'create', class 'se.kommun.school.NotifyOfficerListener')" "listener loss"
contains out "leave-request.bpmn (Camunda 7): runs" "a file that runs as is"
contains out "messages without a correlation key" "what to configure"
contains out "addressConfirmed (address-change.bpmn:39 'confirmed')" "names the message and where"
contains out "bygglov-handlaggare (building-permit.bpmn:11 'review')" "names the group"
contains out "notify-guardian (school-placement.bpmn:27 'notifyGuardian')" "names the called process"
contains out "Binding skeleton written to $c/camunda7/elva-binding.toml" "writes the skeleton beside the files"
contains out "school-placement.bpmn:10: element 'score' (scriptTask): runs: runs in Elva's JavaScript sandbox (time and memory limits)" "JavaScript runs"
contains out "4 executable files: 1 run as they are, 1 after configuration, 1 degraded, 1 not at all" "the shares"
grep -q '\[class."se.kommun.permit.RegisterCaseDelegate"\]' "$c/camunda7/elva-binding.toml" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: skeleton lacks the class"; }

# The skeleton maps everything to worker topics: used as it is, Java delegates count as
# "runs after configuration".
rm "$c/camunda7/school-placement.bpmn" "$c/camunda7/address-change.bpmn"
expect 0 "with the skeleton as binding the file deploys" -- "$elva" import "$c/camunda7"
contains out "building-permit.bpmn:7: element 'register' (serviceTask): runs after configuration: converted: camunda:class=\"se.kommun.permit.RegisterCaseDelegate\" bound to worker topic register-case-delegate (elva-binding.toml)" "bound class"
contains out "Binding: $c/camunda7/elva-binding.toml exists; not overwritten" "keeps a binding"

expect 0 "json" -- "$elva" import "$c/operaton/parking-permit.bpmn" --format json --no-skeleton
python3 - "$tmp/out" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: json shape"; }
import json, sys
r = json.load(open(sys.argv[1]))
assert r["summary"]["afterConfiguration"] == 1, r["summary"]
f = r["files"][0]
assert f["dialect"] == "Operaton" and f["verdict"] == "runs after configuration", f
fee = [e for e in f["elements"] if e["id"] == "fee"][0]
assert fee["class"] == "runs after configuration" and fee["line"] == 7, fee
assert r["configure"]["workerTopics"][0]["name"] == "parking-fee"
assert r["configure"]["groups"][0]["name"] == "parkering"
PY
if [ -e "$c/operaton/elva-binding.toml" ]; then failed=$((failed + 1)); echo "FAIL: --no-skeleton wrote one"; else passed=$((passed + 1)); fi

printf '[class."x"]\ninputs = { a = "=1" }\n' >"$tmp/bad.toml"
expect 2 "a binding without connector or topic is a usage error" -- "$elva" import "$c/operaton" --binding "$tmp/bad.toml" --no-skeleton
contains err "[class.\"x\"] needs exactly one of connector" "names the entry"
expect 2 "a path that does not exist" -- "$elva" import "$tmp/none"

echo "import report: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
