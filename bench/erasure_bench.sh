#!/usr/bin/env bash
# Erasure on request (docs/privacy.md#erasure-on-request-elva-privacy-erase): one data subject
# with N completed cases of bench/processes/retention-case.bpmn among OTHERS cases of other
# subjects, then `elva privacy erase --subject` is timed (issue 20's target: 1,000 cases in at
# most 1 s). One real instance is run through the engine; the others are copies of its rows made
# in SQL, each with its own subject in the `applicant` variable and in its history.
# usage: bench/erasure_bench.sh DATABASE_URL [N=1000] [OTHERS=100000]   (a scratch database!)
set -euo pipefail
cd "$(dirname "$0")/.."
URL=$1
N=${2:-1000}
OTHERS=${3:-100000}
ELVA=${ELVA:-build/cli/elva}
say() { echo "erasure bench: $* ($(date +%T))" >&2; }
q() { psql "$URL" -qAt -v ON_ERROR_STOP=1 -c "$1"; }

$ELVA db migrate --db "$URL" >/dev/null
$ELVA deploy --db "$URL" bench/processes/retention-case.bpmn >/dev/null
q "DELETE FROM history; DELETE FROM user_tasks; DELETE FROM instances"
$ELVA start --db "$URL" retention-case \
  --vars '{"applicant": {"id": "TEMPLATE", "name": "Anna Andersson"}, "scratch": 1}' >/dev/null
TEMPLATE=$(q "SELECT id FROM instances WHERE process_id = 'retention-case' LIMIT 1")
TOTAL=$((N + OTHERS))
say "making $TOTAL copies of instance $TEMPLATE: $N of subject S-1, $OTHERS of others"
CHUNK=50000
made=0
while [ "$made" -lt "$TOTAL" ]; do
  n=$(( TOTAL - made < CHUNK ? TOTAL - made : CHUNK ))
  # Copy g (1-based over all copies) belongs to S-1 when g <= N, else to S-g.
  q "BEGIN;
     CREATE TEMP TABLE ids ON COMMIT DROP AS
       SELECT (9000000000000 + $made + g)::bigint AS id,
              CASE WHEN $made + g <= $N THEN 'S-1' ELSE 'S-' || ($made + g) END AS subject
       FROM generate_series(1, $n) g;
     INSERT INTO instances (id, definition_id, process_id, business_key, status, version, state,
                            variables, started_at, ended_at)
       SELECT ids.id, i.definition_id, i.process_id, '', i.status, i.version,
              jsonb_set(i.state, '{key}', to_jsonb(ids.id)),
              jsonb_set(i.variables, '{applicant,id}', to_jsonb(ids.subject)),
              now() - interval '2 days', now() - interval '1 day'
       FROM ids, instances i WHERE i.id = $TEMPLATE;
     INSERT INTO history (instance_id, at, actor, kind, element_id, data)
       SELECT ids.id, now() - interval '1 day', h.actor, h.kind, h.element_id,
              replace(h.data::text, '\"TEMPLATE\"', to_jsonb(ids.subject)::text)::jsonb
       FROM ids, history h WHERE h.instance_id = $TEMPLATE ORDER BY ids.id, h.id;
     COMMIT;"
  made=$(( made + n ))
done
q "VACUUM ANALYZE instances" >/dev/null
q "VACUUM ANALYZE history" >/dev/null
BEFORE=$(q "SELECT count(*) FROM history WHERE data::text LIKE '%Anna Andersson%'")
say "$TOTAL cases, $(q "SELECT count(*) FROM history") history rows; the name is in $BEFORE rows"
t0=$(date +%s.%N)
$ELVA privacy erase --db "$URL" --subject S-1 --reason "bench" --format json >/tmp/erasure-run.json
t1=$(date +%s.%N)
ERASED=$(jq '.instances | length' /tmp/erasure-run.json)
LEFT=$(q "SELECT count(*) FROM instances WHERE variables->'applicant'->>'id' = 'S-1' AND variables::text LIKE '%Anna Andersson%'")
OTHERS_KEPT=$(q "SELECT count(*) FROM instances WHERE variables::text LIKE '%Anna Andersson%'")
say "erased subject S-1: $(echo "$t1 - $t0" | bc) s (the whole command: connect, find, erase, receipt); cases in the receipt: $ERASED; S-1 cases still holding the name: $LEFT; other cases still holding it: $OTHERS_KEPT (should be $OTHERS and the template)"
jq -c '.counts' /tmp/erasure-run.json
