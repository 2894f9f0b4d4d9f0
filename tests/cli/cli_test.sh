#!/usr/bin/env bash
# The elva command as a user meets it: exit codes, messages and output shapes of `validate`
# and `inspect`, on good, broken and hostile files. usage: cli_test.sh ELVA SOURCE_DIR
set -uo pipefail
elva=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/assert.sh"

expect 0 "the bundled processes are valid" -- "$elva" validate "$src/processes"
contains out "personnel-hire.bpmn: valid" "validate names the valid file"
contains out "i18n/sv.json: valid (0 errors, 0 warnings)" "the translations are checked, and complete"
contains out "forms/report-deviation.form: valid" "the forms are checked"

# A translation file that names an element the process does not have, and leaves a task and a
# form text untranslated: warnings at the line, naming what is off.
mkdir -p "$tmp/lib/i18n" "$tmp/lib/forms"
cp "$src/processes/deviation.bpmn" "$tmp/lib/" && cp "$src/processes/forms/report-deviation.form" "$tmp/lib/forms/"
node -e '
  const fs = require("fs");
  const sv = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const dev = sv.processes.deviation;
  dev.elements.investigat = dev.elements.investigate;
  delete dev.elements.investigate;
  const form = sv.forms["report-deviation"];
  delete form[Object.keys(form)[0]];
  fs.writeFileSync(process.argv[2], JSON.stringify({ processes: { deviation: dev }, forms: { "report-deviation": form } }, null, 2));
' "$src/processes/i18n/sv.json" "$tmp/lib/i18n/sv.json"
expect 0 "translation findings are warnings" -- "$elva" validate "$tmp/lib"
contains out "no element 'investigat' in process deviation" "a misspelt element id is named"
grep -Eq "i18n/sv.json:[0-9]+:1: warning: processes.deviation.elements.investigat" "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: the finding has its line"; cat "$tmp/out"; }
contains out "user task names are not translated (investigate" "the untranslated task is named"
contains out "components with a label or text are not translated" "the untranslated form text is named"
echo '{"processes": {"deviation": {"elements": {"investigate": {"name": 7}}}}}' > "$tmp/lib/i18n/sv.json"
expect 1 "a translation file of the wrong shape is an error" -- "$elva" validate "$tmp/lib"
contains out "processes.deviation.elements.investigate.name must be a text" "the error names the key"

expect 0 "validate DIR reads the names other tools write" -- "$elva" validate "$src/tests/data/file-names"
contains out "leave.bpmn20.xml: valid" "*.bpmn20.xml is read"
contains out "expenses.bpmn2: valid" "*.bpmn2 is read"
contains out "ranges.dmn11.xml: valid" "*.dmn11.xml is read as DMN"
if grep -q "notes.xml" "$tmp/out"; then failed=$((failed + 1)); echo "FAIL: a plain *.xml was read"; else passed=$((passed + 1)); fi
expect 1 "a broken file exits 1" -- "$elva" validate "$src/tests/data/broken.bpmn"
contains out "broken.bpmn:6:5: element 'gate' (exclusiveGateway): gateway has no outgoing sequence flow" \
  "errors read file:line:col: element 'id' (type): message"

expect 1 "validate --format json exits 1 on errors" -- "$elva" validate --format json "$src/tests/data/broken.bpmn"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const e = r[0].errors[0];
  if (!(Array.isArray(r) && r[0].valid === false && e.line === 6 && e.col === 5 &&
        e.element === "gate" && e.type === "exclusiveGateway" && Array.isArray(r[0].warnings))) {
    console.error("unexpected JSON shape", JSON.stringify(r)); process.exit(1);
  }' "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: validate JSON shape"; }

expect 1 "validate refuses a timer cycle deploy would refuse" -- "$elva" validate "$src/tests/pg/timer-start.bpmn"
contains out "timer-start.bpmn:5:5: element 'yearly' (startEvent): the timer cycle 'R2/PT0.3S' repeats every 300 ms" "the too-short cycle is named at its line"
expect 0 "validate --min-timer-cycle takes the server's setting" -- "$elva" validate --min-timer-cycle 100 "$src/tests/pg/timer-start.bpmn"
expect 2 "a missing file exits 2" -- "$elva" validate "$tmp/nope.bpmn"
contains err "no such file" "missing file is named"

expect 2 "an unknown option exits 2" -- "$elva" validate --frobnicate x.bpmn
expect 2 "no verb exits 2" -- "$elva"
expect 2 "an unknown format exits 2" -- "$elva" validate --format yaml "$src/processes"

: >"$tmp/empty.bpmn"
expect 1 "an empty file exits 1" -- "$elva" validate "$tmp/empty.bpmn"
contains out "file is empty" "empty file is explained"

head -c 4096 /dev/urandom >"$tmp/random.bpmn"
printf '\0' >>"$tmp/random.bpmn"
expect 1 "a binary file exits 1" -- "$elva" validate "$tmp/random.bpmn"
contains out "binary" "binary file is explained"

expect 1 "a file over --max-size exits 1" -- "$elva" validate --max-size 100 "$src/processes/personnel-hire.bpmn"
contains out "over the limit of 100 bytes" "size limit is explained"

echo "Meeting notes, not a process" >"$tmp/notes.bpmn"
expect 1 "a file that is not XML exits 1" -- "$elva" validate "$tmp/notes.bpmn"
contains out "not an XML document" "non-XML is explained"
printf '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">\n  <process id="p">\n</definitions>\n' >"$tmp/bad.bpmn"
expect 1 "malformed XML exits 1" -- "$elva" validate "$tmp/bad.bpmn"
contains out "bad.bpmn:3:3: malformed XML" "malformed XML points at the line"

expect 0 "elva eval computes in decimal" -- "$elva" eval "0.1 + 0.2"
contains out "0.3" "0.1 + 0.2 = 0.3"
expect 0 "elva eval with --vars" -- "$elva" eval 'amount > 1000 and department = "HR"' --vars '{"amount": 1500, "department": "HR"}'
contains out "true" "a gateway condition tried before deploying"
expect 0 "elva eval prints dates as ISO strings" -- "$elva" eval 'date("2026-01-31") + duration("P1M")'
contains out '"2026-02-28"' "date arithmetic"
expect 0 "elva eval --now fixes the clock" -- "$elva" eval 'now()' --now 2026-11-22T09:00:00Z
contains out '"2026-11-22T09:00:00Z"' "now() from --now"
# Working days (docs/calendar.md): Swedish Christmas and New Year are skipped; the calendar's
# days off are listed; an unknown calendar is a usage error.
expect 0 "elva eval counts working days on --calendar" -- "$elva" eval --calendar SE -- 'add working days(date("2026-12-18"), 10)'
contains out '"2027-01-08"' "10 Swedish working days after 18 Dec 2026"
expect 2 "an unknown calendar exits 2" -- "$elva" eval --calendar DK -- '1'
contains err "calendar 'DK' is unknown" "the unknown calendar is named"
expect 0 "elva calendar lists the days off" -- "$elva" calendar --rules NO --year 2026 --day-off 2026-12-23
contains out "2026-04-02  Thu  Skjærtorsdag" "a Norwegian Easter holiday"
contains out "2026-12-23  Wed  local day off  (local)" "a local day off"
printf '[calendar]\nrules = "SE"\n[calendar.tenant.bergen]\nrules = "NO"\n' >"$tmp/calendar.toml"
expect 0 "elva calendar reads elva.toml and its tenants" -- "$elva" calendar --config "$tmp/calendar.toml" --tenant bergen --year 2026
contains out "calendar NO" "the tenant's own rules"
printf '[calendar]\nrules = "FI"\n' >"$tmp/bad-calendar.toml"
expect 2 "unknown rules in elva.toml exit 2" -- "$elva" calendar --config "$tmp/bad-calendar.toml"
contains err "calendar rules 'FI' are unknown" "the rules are named"
expect 1 "a FEEL syntax error exits 1" -- "$elva" eval "1 +"
contains err "syntax error at column 4" "syntax error position"
expect 2 "malformed --vars exits 2" -- "$elva" eval "x" --vars "{not json"
contains err "--vars must be a JSON object" "bad --vars is explained"

# An expression that starts with '-' is the expression, not an option (issue 16); so is
# everything after '--'.
expect 0 "elva eval '-(2 + 3)' evaluates" -- "$elva" eval '-(2 + 3)'
contains out "-5" "a leading minus is the expression's"
expect 0 "elva eval -- EXPR evaluates" -- "$elva" eval -- '-(2 + 3) * 2'
contains out "-10" "the expression after --"
expect 0 "options before -- still count" -- "$elva" eval --vars '{"x": 4}' -- '-x'
contains out "-4" "--vars before -- is read"
expect 0 "options after a leading-minus expression still count" -- "$elva" eval '-x' --vars '{"x": 2}'
contains out "-2" "--vars after the expression is read"
expect 2 "an unknown option of eval is still a usage error" -- "$elva" eval --frobnicate 1
expect 0 "DMN 1.5 built-ins through eval" -- "$elva" eval 'substring(string: "foobar", start position: 2)'
contains out '"oobar"' "named arguments with spaces"

# Hostile values (issue 22): out-of-range numbers are null, never an abort.
expect 0 "decimal(1, 99999999999) evaluates (null: the scale is out of range)" -- "$elva" eval 'decimal(1, 99999999999)'
contains out "null" "an out-of-range scale gives null"
expect 0 "string(10 ** 400) evaluates" -- "$elva" eval 'string(10 ** 400)'
contains out "\"1000000000" "10 ** 400 is exact in FEEL"
expect 0 "1e200 squared evaluates (null in JSON)" -- "$elva" eval 'amount * amount' --vars '{"amount": 1e200}'
contains out "null" "a number beyond a double is null in JSON"
expect 1 "an evaluation that runs away stops with exit 1" -- "$elva" eval 'for a in 1..100000, b in 1..100000 return a + b'
contains err "max_steps" "the limit is named"
deep=$(printf '%.0s[' $(seq 1 100000))
expect 2 "--vars nested 100,000 levels is refused" -- "$elva" eval "x" --vars "$deep"
contains err "deeper than 64 levels" "the depth limit is named"

expect 0 "elva test runs the scenario suites" -- "$elva" test "$src/tests/scenarios" "$src/processes/scenarios"
contains out " passed, 0 failed" "scenario summary line"
expect 1 "a failing scenario exits 1" -- "$elva" test "$src/tests/data/failing-scenarios"
contains out "0 passed, 2 failed" "failures are counted"
contains out "expected open [manager], but open are [finance, manager]" "a readable diff of tasks"
contains out "no one waits for message 'documentsReceived' with correlation key 'C-999'" "an unmatched message is explained"
cat >"$tmp/unmocked.scenario.json" <<EOT
{"name": "a hire with no mocks", "files": ["$src/processes/personnel-hire.bpmn"],
 "start": {"variables": {"employee": {"number": "1"}, "startDate": "2026-01-02T08:00:00Z"}},
 "steps": [{"complete": "approve", "variables": {"approved": true}}, {"complete": "hrCheck", "variables": {}}],
 "expect": {"state": "active"}}
EOT
expect 1 "--strict fails scenarios with unmocked connectors" -- "$elva" test --strict "$tmp/unmocked.scenario.json"
contains out "has no mock (--strict)" "strict mode names the connector"
expect 2 "a missing scenario exits 2" -- "$elva" test "$tmp/none.scenario.json"

for verb in validate inspect eval test; do
  expect 0 "elva $verb --help" -- "$elva" "$verb" --help
  contains out "Exit codes" "$verb --help documents exit codes"
done
expect 0 "elva --help" -- "$elva" --help

expect 0 "inspect --format json" -- "$elva" inspect --format json "$src/processes/personnel-hire.bpmn"
node -e '
  const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const p = j.processes[0];
  const remind = p.elements.find((e) => e.id === "threeDays");
  const ok = p.id === "personnel-hire" && remind.type === "boundaryEvent" &&
    remind.attachedTo === "approve" && remind.eventDefinitions[0].type === "timerEventDefinition" &&
    p.elements.every((e) => ["id","type","name","scope","incoming","outgoing","eventDefinitions"].every((k) => k in e)) &&
    p.sequenceFlows.length === 15 && Array.isArray(j.messages) && Array.isArray(j.signals) &&
    Array.isArray(j.errors) && j.diagnostics.errors.length === 0;
  if (!ok) { console.error(JSON.stringify(j).slice(0, 2000)); process.exit(1); }' "$tmp/out" \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: inspect JSON shape"; }

expect 1 "inspect of a non-BPMN file exits 1" -- "$elva" inspect "$tmp/empty.bpmn"
expect 2 "inspect of a missing file exits 2" -- "$elva" inspect "$tmp/nope.bpmn"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
