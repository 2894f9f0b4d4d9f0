#!/usr/bin/env bash
# The admin verbs as an administrator meets them, against a fresh database on the test server
# (ELVA_TEST_DATABASE_URL) and against Elva's own embedded database (a temporary $ELVA_HOME):
# exit codes (0 done, 1 refused, 2 usage, 3 database), messages, --format json.
# usage: admin_cli_test.sh ELVA SOURCE_DIR
set -uo pipefail
elva=$1
src=$2
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
source "$(dirname "$0")/fresh_db.sh"
extra_cleanup='ELVA_HOME="$tmp/home" "$src/tests/cli/stop-embedded.sh" "$tmp/home" >/dev/null 2>&1'
fresh_database "elva_cli_$$"

expect 3 "an unreachable database exits 3" -- "$elva" instances --db "postgresql:///x?host=/nonexistent&user=elva"
contains err "cannot reach the database" "says the database cannot be reached"
expect 3 "an unmigrated database exits 3" -- "$elva" instances
contains err "run \`elva db migrate\`" "says which command fixes it"
expect 0 "db status works before migrating" -- "$elva" db status
contains out "migration(s) pending: run" "status shows what is pending"
expect 0 "db migrate" -- "$elva" db migrate
contains out "applied 001_initial" "migrate names what it applied"
expect 0 "deploy" -- "$elva" deploy "$src/tests/scenarios/messaging.bpmn" "$src/tests/pg/durable.bpmn"
contains out "requester                    version 1  deployed" "deploy lists versions"
expect 0 "deploy again" -- "$elva" deploy "$src/tests/scenarios/messaging.bpmn"
contains out "unchanged" "an unchanged file makes no version"
expect 1 "deploying a broken file exits 1" -- "$elva" deploy "$src/tests/data/broken.bpmn"
contains err "broken.bpmn:6:5" "deploy errors name file:line"
expect 1 "an unknown process exits 1" -- "$elva" start no-such-process
contains err "no process 'no-such-process' is deployed" "names the process"
expect 2 "malformed --vars exits 2" -- "$elva" start requester --vars '{"caseId": '
contains err "--vars must be a JSON object" "says what --vars must be"
expect 0 "start" -- "$elva" start requester --vars '{"caseId": "K-1", "amount": 500}' --business-key K-1
contains out "waiting at prepare" "start says where it waits"
expect 0 "instances as json" -- "$elva" instances --process requester --format json
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$tmp/out")
expect 0 "instance" -- "$elva" instance "$id"
contains out "prepare (userTask), waiting" "instance shows where the token is"
contains out "message published" "the timeline has the message"
expect 2 "a non-numeric id exits 2" -- "$elva" instance abc
expect 1 "an unknown instance exits 1" -- "$elva" instance 999999999
expect 1 "a message nobody waits for without ttl exits 1" -- "$elva" message nobody --correlation-key X
contains err "--ttl" "says how to keep it"
expect 0 "with a ttl it is kept" -- "$elva" message nobody --correlation-key X --ttl PT1H
contains out "kept for PT1H" "says it was kept"
# Correlation (docs/durable.md): two cases wait without a correlation key.
expect 0 "deploy the correlation processes" -- "$elva" deploy "$src/tests/scenarios/correlation.bpmn"
expect 0 "start case A" -- "$elva" start keyless-case --vars '{"caseNo": 17}' --business-key A
expect 0 "start case B" -- "$elva" start keyless-case --vars '{"caseNo": 18}' --business-key B
expect 1 "a keyed message does not reach a key-less subscription" -- "$elva" message applicantReplied --correlation-key B
contains err "no instance waits" "says nobody waits for it"
expect 1 "two cases wait and nothing tells them apart" -- "$elva" message applicantReplied
contains err "awaited by several instances" "refuses"
contains err "(business key 'A')" "names the candidates by business key"
expect 0 "--business-key picks one" -- "$elva" message applicantReplied --business-key B
contains out "Delivered to instance" "says where it went"
expect 2 "--match without = is a usage error" -- "$elva" message applicantReplied --match caseNo
expect 1 "--match with a value nobody has" -- "$elva" message applicantReplied --match caseNo=99
expect 0 "--match picks one by a process variable (before the name too)" -- "$elva" message --match caseNo=17 applicantReplied
contains out "Delivered to instance" "delivered by variable"
expect 1 "--ttl with --business-key is refused" -- "$elva" message applicantReplied --business-key Z --ttl PT1H
contains err "cannot be kept" "says why"
# Other tools' file names; a deploy with nothing executable.
expect 0 "deploy a directory of *.bpmn20.xml, *.bpmn2, *.dmn11.xml" -- "$elva" deploy "$src/tests/data/file-names"
contains out "leave-request" "*.bpmn20.xml deployed"
contains out "expenses" "*.bpmn2 deployed"
contains out "route" "*.dmn11.xml deployed"
expect 1 "a deploy with no executable process exits 1" -- "$elva" deploy "$src/tests/data/descriptive.bpmn"
contains err "no executable process" "says so"
expect 0 "signal" -- "$elva" signal fraudSuspected
contains out "Delivered to 1 instance(s); started 1" "signal reports deliveries and starts"
expect 0 "incidents" -- "$elva" incidents
contains out "No open incidents." "no incidents yet"
expect 1 "retry of an unknown incident exits 1" -- "$elva" retry 12345
expect 0 "cancel" -- "$elva" cancel "$(psql "$ELVA_DATABASE_URL" -qAtc "SELECT id FROM instances WHERE process_id = 'audit' LIMIT 1")"
contains out "is terminated" "cancel reports the end"
expect 1 "cancelling it again exits 1" -- "$elva" cancel "$(psql "$ELVA_DATABASE_URL" -qAtc "SELECT id FROM instances WHERE process_id = 'audit' LIMIT 1")"

# The embedded default: no --db, no ELVA_DATABASE_URL. Elva makes and starts its own cluster,
# and stops it again when the command that started it ends.
unset ELVA_DATABASE_URL
export ELVA_HOME="$tmp/home"
expect 0 "deploy with the embedded database" -- "$elva" deploy "$src/tests/pg/durable.bpmn"
contains out "durable                      version 1  deployed" "deployed into the embedded database"
expect 0 "db status on the embedded database" -- "$elva" db status
contains out "(embedded)" "status says it is the embedded database"
contains out "up to date" "the embedded database is migrated by itself"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [ "$(id -u)" -eq 0 ]; then status() { runuser -u postgres -- "$pgbin/pg_ctl" -D "$ELVA_HOME/pg/data" status; }
else status() { "$pgbin/pg_ctl" -D "$ELVA_HOME/pg/data" status; }; fi
expect 3 "the embedded cluster was stopped after the command" -- status
expect 0 "its data stays: the definition is still there" -- "$elva" definitions
contains out "durable" "definitions survive a stop and start"
if [ "$(id -u)" -eq 0 ]; then
  owner=$(stat -c %U "$ELVA_HOME/pg/data")
  [ "$owner" = postgres ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: as root, the cluster belongs to postgres, not $owner"; }
fi

echo "admin CLI: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
