#!/usr/bin/env bash
# Retention cleanup throughput (docs/privacy.md): N completed instances of
# bench/processes/retention-case.bpmn (12 history rows each), ended 40 days ago, then
# `elva history cleanup` removes them (their process keeps 30 days); with LOAD=1, the start rate
# of a concurrent load (elva_start_many of LOAD_N=2000 wait3 instances) is measured alone and during
# the cleanup. One real instance is run through the engine; the others are copies of its rows
# made in SQL (running a million instances first would take hours on this machine).
# usage: bench/retention_bench.sh DATABASE_URL [N=100000] [BATCH=1000]   (a scratch database!)
set -euo pipefail
cd "$(dirname "$0")/.."
URL=$1
N=${2:-100000}
BATCH=${3:-1000}
ELVA=${ELVA:-build/cli/elva}
START_MANY=${START_MANY:-build/tests/elva_start_many}
say() { echo "retention bench: $* ($(date +%T))" >&2; }
q() { psql "$URL" -qAt -v ON_ERROR_STOP=1 -c "$1"; }

$ELVA db migrate --db "$URL" >/dev/null
$ELVA deploy --db "$URL" bench/processes/retention-case.bpmn >/dev/null
[ "${LOAD:-0}" = 1 ] && $ELVA deploy --db "$URL" bench/processes/wait3.bpmn >/dev/null
q "DELETE FROM history; DELETE FROM user_tasks; DELETE FROM instances; DELETE FROM retention_runs"
$ELVA start --db "$URL" retention-case --vars '{"applicant": {"name": "Anna Andersson"}, "scratch": 1}' >/dev/null
TEMPLATE=$(q "SELECT id FROM instances WHERE process_id = 'retention-case' AND status = 'completed' LIMIT 1")
ROWS=$(q "SELECT count(*) FROM history WHERE instance_id = $TEMPLATE")
say "template instance $TEMPLATE has $ROWS history rows; making $N copies"
CHUNK=50000
made=0
t0=$(date +%s.%N)
while [ "$made" -lt "$N" ]; do
  n=$(( N - made < CHUNK ? N - made : CHUNK ))
  q "BEGIN;
     CREATE TEMP TABLE ids ON COMMIT DROP AS
       SELECT (9000000000000 + $made + g)::bigint AS id FROM generate_series(1, $n) g;
     INSERT INTO instances (id, definition_id, process_id, business_key, status, version, state,
                            variables, started_at, ended_at)
       SELECT ids.id, i.definition_id, i.process_id, '', i.status, i.version,
              jsonb_set(i.state, '{key}', to_jsonb(ids.id)), i.variables,
              now() - interval '41 days', now() - interval '40 days'
       FROM ids, instances i WHERE i.id = $TEMPLATE;
     INSERT INTO history (instance_id, at, actor, kind, element_id, data)
       SELECT ids.id, now() - interval '40 days', h.actor, h.kind, h.element_id, h.data
       FROM ids, history h WHERE h.instance_id = $TEMPLATE ORDER BY ids.id, h.id;
     COMMIT;"
  made=$(( made + n ))
  say "$made instances"
done
t1=$(date +%s.%N)
HISTORY=$(q "SELECT count(*) FROM history")
BYTES=$(q "SELECT pg_total_relation_size('instances') + pg_total_relation_size('history')")
q "VACUUM ANALYZE instances" >/dev/null
q "VACUUM ANALYZE history" >/dev/null
say "made $N instances, $HISTORY history rows in $(echo "$t1 - $t0" | bc) s; $((BYTES / (N + 1))) bytes per completed instance (instances + history, with indexes)"

load_rate() {  # starts/s of $1 wait3 instances through the engine, one after another
  local s
  s=$($START_MANY "$URL" wait3 "$1" | tail -1)
  echo "scale=1; $1 / $s" | bc
}
if [ "${LOAD:-0}" = 1 ]; then
  ALONE=$(load_rate "${LOAD_N:-2000}")
  say "load alone: $ALONE starts/s"
fi

$ELVA history cleanup --db "$URL" --dry-run --format json >/tmp/retention-dry.json
say "dry run: $(jq -c .total /tmp/retention-dry.json) in $(jq .seconds /tmp/retention-dry.json) s"
if [ "${LOAD:-0}" = 1 ]; then
  $ELVA history cleanup --db "$URL" --batch "$BATCH" --format json >/tmp/retention-run.json &
  CLEAN=$!
  DURING=$(load_rate "${LOAD_N:-2000}")
  wait $CLEAN
  say "load during cleanup: $DURING starts/s (alone: $ALONE)"
else
  $ELVA history cleanup --db "$URL" --batch "$BATCH" --format json >/tmp/retention-run.json
fi
SECONDS_TAKEN=$(jq .seconds /tmp/retention-run.json)
REMOVED=$(jq .total.history /tmp/retention-run.json)
INSTANCES=$(jq .total.instances /tmp/retention-run.json)
say "cleanup: $INSTANCES instances, $REMOVED history rows in $SECONDS_TAKEN s (batch $BATCH, $(jq .batches /tmp/retention-run.json) batches)"
RATE=$(echo "scale=0; $REMOVED / $SECONDS_TAKEN" | bc)
say "$RATE history rows/s: 10 million would take $(echo "scale=1; 10000000 / $RATE / 60" | bc) min (target: 120 min)"
echo "{\"bench\": \"retention\", \"instances\": $INSTANCES, \"history\": $REMOVED, \"seconds\": $SECONDS_TAKEN, \"rowsPerSecond\": $RATE, \"batch\": $BATCH, \"bytesPerInstance\": $((BYTES / (N + 1)))${ALONE:+, \"loadAlone\": $ALONE, \"loadDuring\": $DURING}}"
