#!/usr/bin/env bash
# Instance migration under a crash, against a real PostgreSQL, with the elva binary as an
# administrator runs it (docs/operations.md#migration): 2,000 instances of tests/pg/migration-v1.bpmn
# (half at `a` with a timer, half at `b`, which version 2 drops); `elva migrate dry-run`, then
# `elva migrate run` killed with SIGKILL in the middle, then run again:
#   - every instance the dry run said migrates is on version 2, migrated exactly once (one
#     "migrated" history row), with the same report (timers, tokens) the dry run gave;
#   - every instance the dry run said needs a mapping is still on version 1, untouched, and the
#     final run says the same, with the same reason;
#   - user tasks kept their assignee; the kept timers their due time.
# usage: migration_crash_test.sh ELVA START_MANY SOURCE_DIR
set -uo pipefail
elva=$1
start_many=$2
src=$3
if [ -z "${ELVA_TEST_DATABASE_URL:-}" ]; then
  [ "${CI:-}" = "true" ] && { echo "FAIL: ELVA_TEST_DATABASE_URL is not set in CI"; exit 1; }
  echo "*** SKIPPED: no ELVA_TEST_DATABASE_URL; run scripts/test ***"; exit 77
fi
n=${ELVA_MIGRATION_INSTANCES:-2000}
failed=0
tmp=$(mktemp -d)
db=elva_migrate_$$
cleanup() {
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
  psql "$ELVA_TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
check() {  # check DESCRIPTION ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then echo "ok: $1 ($2)"; else echo "FAIL: $1: got '$2', expected '$3'"; failed=$((failed + 1)); fi
}
q() { psql "$url" -qAtc "$1"; }

url=${ELVA_TEST_DATABASE_URL/\/elva_test\?//$db?}
psql "$ELVA_TEST_DATABASE_URL" -qc "CREATE DATABASE $db" || exit 1
"$elva" db migrate --db "$url" >/dev/null || exit 1
"$elva" deploy --db "$url" "$src/tests/pg/migration-v1.bpmn" >/dev/null || exit 1
"$start_many" "$url" bulk "$n" >/dev/null || exit 1
"$elva" deploy --db "$url" "$src/tests/pg/migration-v2.bpmn" >/dev/null || exit 1
timers_before=$(q "SELECT count(*) FROM timers")

"$elva" migrate plan bulk --from 1 --to 2 --db "$url" --out "$tmp/plan.json" >"$tmp/plan.out"
check "plan exits 0" "$?" 0
"$elva" migrate dry-run "$tmp/plan.json" --db "$url" --format json >"$tmp/dry.json"
check "the dry run exits 1 (half the instances need a mapping)" "$?" 1
check "nothing changed in the dry run" "$(q "SELECT count(*) FROM instances i JOIN definitions d ON d.id = i.definition_id WHERE d.version = 2")" 0

"$elva" migrate run "$tmp/plan.json" --db "$url" --reason "crash test" --batch 50 >"$tmp/run1.out" 2>"$tmp/run1.err" &
pid=$!
# Kill it in the middle: once some, not all, instances are on version 2.
for _ in $(seq 1 600); do
  moved=$(q "SELECT count(*) FROM instances i JOIN definitions d ON d.id = i.definition_id WHERE d.version = 2")
  [ "$moved" -ge $((n / 8)) ] && break
  sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
moved=$(q "SELECT count(*) FROM instances i JOIN definitions d ON d.id = i.definition_id WHERE d.version = 2")
echo "killed after $moved of $((n / 2)) migrated"
[ "$moved" -gt 0 ] && [ "$moved" -lt $((n / 2)) ] || { echo "FAIL: the kill did not land in the middle ($moved)"; failed=$((failed + 1)); }

"$elva" migrate run "$tmp/plan.json" --db "$url" --reason "crash test" --format json >"$tmp/run2.json" 2>/dev/null
check "the second run exits 1 (the instances at b still need a mapping)" "$?" 1

check "instances on version 2" "$(q "SELECT count(*) FROM instances i JOIN definitions d ON d.id = i.definition_id WHERE d.version = 2")" $((n / 2))
check "instances not migrated exactly once among those at a" \
  "$(q "SELECT count(*) FROM (SELECT i.id FROM instances i LEFT JOIN history h ON h.instance_id = i.id AND h.kind = 'migrated' WHERE (i.variables->>'n')::int % 2 = 0 GROUP BY i.id HAVING count(h.id) <> 1) x")" 0
check "instances at b migrated" "$(q "SELECT count(*) FROM history h JOIN instances i ON i.id = h.instance_id WHERE h.kind = 'migrated' AND (i.variables->>'n')::int % 2 = 1")" 0
check "the reason and actor are in history" "$(q "SELECT count(*) FROM history WHERE kind = 'command' AND data->>'command' = 'migrate' AND data->>'reason' = 'crash test' AND actor LIKE 'cli:%'")" $((n / 2))
check "user tasks kept their assignee" "$(q "SELECT count(*) FROM user_tasks WHERE element_id = 'a' AND state = 'open' AND assignee = 'anna'")" $((n / 2))
check "timers: as many as before" "$(q "SELECT count(*) FROM timers")" "$timers_before"

q "SELECT i.id, h.data->'report' FROM instances i JOIN history h ON h.instance_id = i.id AND h.kind = 'migrated'" >"$tmp/reports.txt"
python3 - "$tmp/dry.json" "$tmp/run2.json" "$tmp/reports.txt" <<'PY'
import json, sys
dry = {i["instance"]: i for i in json.load(open(sys.argv[1]))["instances"]}
run = {i["instance"]: i for i in json.load(open(sys.argv[2]))["instances"]}
reports = {}
for line in open(sys.argv[3]):
    k, _, v = line.rstrip("\n").partition("|")
    reports[int(k)] = json.loads(v)
bad = 0
for k, d in dry.items():
    if d["outcome"] == "migrates":
        if reports.get(k) != d.get("report"):
            bad += 1
    elif run.get(k, {}).get("outcome") != d["outcome"] or run[k].get("reason") != d.get("reason"):
        bad += 1
print(f"dry-run verdicts: {len(dry)}; disagreeing with the run: {bad}")
sys.exit(1 if bad or len(dry) == 0 else 0)
PY
check "dry run and run agree on every instance" "$?" 0
check "the timers kept their due time (report: keep, due = was)" \
  "$(q "SELECT count(*) FROM history WHERE kind = 'migrated' AND data->'report'->'timers'->0->>'rule' = 'keep' AND data->'report'->'timers'->0->>'due' = data->'report'->'timers'->0->>'was'")" $((n / 2))

[ "$failed" -eq 0 ] && echo "all checks passed" && exit 0
echo "$failed check(s) failed"; exit 1
