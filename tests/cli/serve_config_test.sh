#!/usr/bin/env bash
# No silent waiting (docs/operations.md#no-silent-waiting): `elva serve` started without the
# elva.toml its deployed processes need names the missing connectors at start-up (names only),
# and a job of such a connector becomes an incident with that reason after its retries.
# usage: serve_config_test.sh ELVA SOURCE_DIR
set -uo pipefail
elva=$1
src=$2
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
source "$(dirname "$0")/fresh_db.sh"
fresh_database "elva_serve_config_$$"
unset ELVA_CONFIG
cat >"$tmp/elva.toml" <<'TOML'
[connectors.desk]
kind = "http"
base_url = "http://127.0.0.1:9/api"
TOML

expect 0 "migrate" -- "$elva" db migrate
expect 1 "deploying without the configuration is refused, naming the connector" -- "$elva" deploy "$src/tests/data/unconfigured-connector.bpmn"
contains err "names connector 'desk', which is not configured here" "deploy says what is missing"
expect 0 "deploy with the configuration" -- "$elva" deploy --config "$tmp/elva.toml" "$src/tests/data/unconfigured-connector.bpmn"
expect 0 "serve with the configuration names nothing missing" -- "$elva" serve --no-http --config "$tmp/elva.toml" --stop-after 1
if grep -q "not configured" "$tmp/err"; then failed=$((failed + 1)); echo "FAIL: a configured connector was reported missing"; else passed=$((passed + 1)); fi
expect 0 "start an instance" -- "$elva" start desk-ticket --vars '{"secretNote": "personnummer 19121212-1212"}'
t0=$(date +%s.%N)
expect 0 "serve without --config" -- "$elva" serve --no-http --stop-after 9
contains err "deployed processes use connectors that are not configured (no --config given, no \$ELVA_CONFIG)" "says so at start-up"
contains err "desk.post (no [connectors.desk]), used by desk-ticket" "names the connector, operation and process"
contains err "jobs of desk.post become incidents after their retries" "the scheduler says what it does with the jobs"
if grep -q "19121212" "$tmp/err"; then failed=$((failed + 1)); echo "FAIL: a variable's value reached the log"; else passed=$((passed + 1)); fi
expect 0 "incidents" -- "$elva" incidents
contains out "connector 'desk' is not configured on this node" "the job became an incident with that reason"
contains out "[connectors.desk]" "which says what to add"
# Retried first (three tries, back-off 1 s then 2 s), not failed at once: the incident comes
# more than 2.5 s after the node started. (Failed tries leave no history row.)
after=$(psql "$ELVA_DATABASE_URL" -qAtc "SELECT extract(epoch FROM at) - $t0 > 2.5 FROM history WHERE kind = 'incident'")
[ "$after" = t ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: the incident came without the retries' back-off ($after)"; }
contains out "no retries left" "the incident says the retries are used up"

echo "serve configuration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
