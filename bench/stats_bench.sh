#!/usr/bin/env bash
# The stats queries at scale (issue 19: every stats query at most 200 ms with 1,000,000 completed
# and 10,000 running instances). A fresh database on the PostgreSQL at URL gets the permit process
# (elva:deadline P10D, one user task) and N completed instances (plus N/100 running) written with
# SQL straight into instances, history (4 rows each) and user_tasks, spread over a year; then
# `elva stats` (whole year, and by unit) runs 5 times each: median and max wall time, which
# includes starting the elva process and connecting. Then `elva serve` on the database answers the
# cockpit's reads over HTTP (processes, the per-element counts, searches, the stats, the network
# for the year and for the default window), 5 times each
# after a warm-up, timed by curl. One JSON line per query on stdout.
# usage: bench/stats_bench.sh URL [N=100000]      (URL: an admin URL like ELVA_TEST_DATABASE_URL)
# KEEP=1 keeps the database (its URL on stderr) for looking at query plans.
set -euo pipefail
cd "$(dirname "$0")/.."
url=$1
n=${2:-100000}
elva=${ELVA:-build/cli/elva}
db=elva_stats_bench_$$
psql "$url" -qAtc "DROP DATABASE IF EXISTS $db" && psql "$url" -qAtc "CREATE DATABASE $db"
drop() { [ -n "${KEEP:-}" ] && echo "kept: ${dburl:-}" >&2 && return; psql "$url" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null; }
trap drop EXIT
dburl=${url/\/elva_test\?/\/$db?}
"$elva" db migrate --db "$dburl" >/dev/null
dir=$(mktemp -d)
cat >"$dir/permit.bpmn" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:elva="urn:elva:bpmn:1.0" id="d" targetNamespace="urn:elva:bench">
  <process id="permit" name="Building permit" isExecutable="true" elva:deadline="P10D">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <userTask id="review" name="Review" elva:candidateGroups="case-officers"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>
EOF
"$elva" deploy --db "$dburl" "$dir/permit.bpmn" >/dev/null
rm -rf "$dir"
running=$((n / 100))
start=$(date +%s.%N)
psql "$dburl" -qAt <<SQL
INSERT INTO users (id, groups) SELECT 'user' || g, ARRAY['unit-' || (g % 20)] FROM generate_series(0, 199) g;
-- Completed: started within 2025, lead time 1-20 days; running: started in the last 30 days.
-- A running instance's snapshot has its token at review (runtime/state_json.cpp), as the cockpit
-- reads it; every instance has a business key and a variable to search by.
INSERT INTO instances (id, definition_id, process_id, business_key, status, version, state, variables, started_at, ended_at)
SELECT g, (SELECT id FROM definitions WHERE process_id = 'permit'), 'permit', 'B-' || g,
       CASE WHEN g <= $n THEN 'completed' ELSE 'active' END, 1,
       CASE WHEN g <= $n THEN '{}'::jsonb
            ELSE jsonb_build_object('el', jsonb_build_array(jsonb_build_array(g * 10, 'review', 0, true, false, 0))) END,
       jsonb_build_object('area', 'unit-' || (g % 20)),
       CASE WHEN g <= $n THEN timestamptz '2025-01-01' + (g % 350) * interval '1 day' + (g % 86400) * interval '1 second'
            ELSE timestamptz '2026-01-01' - (g % 30) * interval '1 day' END,
       CASE WHEN g <= $n THEN timestamptz '2025-01-01' + (g % 350 + 1 + g % 20) * interval '1 day' END
FROM generate_series(1, $n + $running) g;
INSERT INTO history (instance_id, at, actor, kind, element_id)
SELECT id, started_at, 'user:user' || (id % 200), 'started', '' FROM instances
UNION ALL SELECT id, started_at, 'user:user' || (id % 200), 'completed', 's' FROM instances
UNION ALL SELECT id, started_at, 'user:user' || (id % 200), 'activated', 'review' FROM instances
UNION ALL SELECT id, ended_at, 'user:x', 'completed', 'review' FROM instances WHERE ended_at IS NOT NULL;
INSERT INTO user_tasks (key, instance_id, process_id, element_id, name, candidate_groups, state, created_at, claimed_at, ended_at, due)
SELECT id + 10000000000, id, 'permit', 'review', 'Review', '{case-officers}',
       CASE WHEN ended_at IS NULL THEN 'open' ELSE 'completed' END, started_at,
       started_at + interval '3 hours', ended_at, started_at + interval '5 days' FROM instances;
ANALYZE;
SQL
load=$(echo "$(date +%s.%N) - $start" | bc)
rows=$(psql "$dburl" -qAtc "SELECT count(*) FROM history")
echo "{\"bench\": \"stats_load\", \"completed\": $n, \"running\": $running, \"history_rows\": $rows, \"load_s\": $load}"
for by in "" unit; do
  times=()
  for i in 1 2 3 4 5 6; do
    t0=$(date +%s%N)
    "$elva" stats permit --db "$dburl" --from 2025-01-01 --to 2026-01-01 ${by:+--by $by} --format json >/dev/null
    t1=$(date +%s%N)
    [ "$i" -gt 1 ] && times+=($(((t1 - t0) / 1000000)))  # the first run warms the cache
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  echo "{\"bench\": \"stats${by:+_by_$by}\", \"completed\": $n, \"median_ms\": ${sorted[2]}, \"max_ms\": ${sorted[4]}, \"target_ms\": 200}"
done

# The cockpit's reads through `elva serve`.
users=$(mktemp)
log=$(mktemp)
echo '[{"id": "bench-admin", "password": "bench-admin-secret", "roles": ["admin"]}]' >"$users"
"$elva" serve --db "$dburl" --port 0 --users "$users" 2>"$log" &
serve=$!
trap 'kill $serve 2>/dev/null; wait $serve 2>/dev/null; rm -f "$users" "$log"; drop' EXIT
for _ in $(seq 200); do grep -q "task list at" "$log" && break; sleep 0.1; done
base=$(grep -o 'http://[^/]*' "$log" | head -1)
token=$(curl -s -XPOST -H 'content-type: application/json' \
  -d '{"username": "bench-admin", "password": "bench-admin-secret"}' "$base/api/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
for path in /api/processes /api/definitions/permit/elements \
  "/api/instances?process=permit&status=active" "/api/instances?process=permit&element=review" \
  "/api/instances?process=permit&businessKey=B-$((n / 2))" "/api/instances?process=permit&variable=area&value=unit-7" \
  "/api/instances?process=permit&status=incident" "/api/stats/permit" \
  "/api/network?process=permit&from=2025-01-01&to=2026-01-01" "/api/network?process=permit"; do
  times=()
  for i in 1 2 3 4 5 6; do
    s=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "authorization: Bearer $token" "$base$path")
    [ "${s%% *}" = 200 ] || { echo "GET $path answered ${s%% *}" >&2; exit 1; }
    [ "$i" -gt 1 ] && times+=("$(echo "${s#* } * 1000 / 1" | bc)")
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  echo "{\"bench\": \"cockpit GET $path\", \"completed\": $n, \"running\": $running, \"median_ms\": ${sorted[2]}, \"max_ms\": ${sorted[4]}, \"target_ms\": 200}"
done
