#!/usr/bin/env bash
# Durability against a real PostgreSQL, with the elva binary as administrators run it:
#   1. crash: `elva serve` works 2,000 instances (service task + timer) and is killed with SIGKILL
#      at random moments five times; restarted, it finishes them all, each step exactly once;
#   2. two nodes: two `elva serve` on one database share 2,000 instances, both do part of it,
#      no step is applied twice;
#   3. database restart: PostgreSQL restarts under load; the engine reconnects and finishes.
# usage: durability_test.sh ELVA START_MANY SOURCE_DIR
set -uo pipefail
elva=$1
start_many=$2
src=$3
if [ -z "${ELVA_TEST_DATABASE_URL:-}" ]; then
  [ "${CI:-}" = "true" ] && { echo "FAIL: ELVA_TEST_DATABASE_URL is not set in CI"; exit 1; }
  echo "*** SKIPPED: no ELVA_TEST_DATABASE_URL; run scripts/test ***"; exit 77
fi
n=${ELVA_DURABILITY_INSTANCES:-2000}
failed=0
pids=()
restart_dir=/tmp/elva-restart-pg-$$
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for d in elva_crash_$$ elva_nodes_$$; do psql "$ELVA_TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1; done
  ELVA_TEST_PG_DIR=$restart_dir "$src/tests/support/pg-test-server" stop >/dev/null 2>&1
  rm -rf "$restart_dir" "$restart_dir.initdb.log"
}
trap cleanup EXIT
check() {  # check DESCRIPTION ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then echo "ok: $1 ($2)"; else echo "FAIL: $1: got '$2', expected '$3'"; failed=$((failed + 1)); fi
}
q() { psql "$1" -qAtc "$2"; }
setup() {  # setup URL: a migrated database with durable.bpmn and N started instances
  "$elva" db migrate --db "$1" >/dev/null && "$elva" deploy --db "$1" "$src/tests/pg/durable.bpmn" >/dev/null &&
    "$start_many" "$1" durable "$n" >/dev/null
}
ready() {  # ready LOG: until that `elva serve` is running (so a SIGINT stops it, not starts it)
  for _ in $(seq 1 100); do grep -q "running on" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "FAIL: elva serve did not come up:"; cat "$1"; return 1
}
wait_done() {  # wait_done URL SECONDS
  for _ in $(seq 1 $((2 * $2))); do
    [ "$(q "$1" "SELECT count(*) FROM instances WHERE status <> 'completed'")" = 0 ] && return 0
    sleep 0.5
  done
  return 1
}
exactly_once() {  # exactly_once URL: each instance's service task completed once, nothing lost
  check "every instance completed" "$(q "$1" "SELECT count(*) FROM instances WHERE status = 'completed'")" "$n"
  check "instances whose service task did not complete exactly once" \
    "$(q "$1" "SELECT count(*) FROM (SELECT i.id FROM instances i LEFT JOIN history h ON h.instance_id = i.id AND h.kind = 'completed' AND h.element_id = 'work' GROUP BY i.id HAVING count(h.id) <> 1) x")" 0
  check "instances whose timer did not fire exactly once" \
    "$(q "$1" "SELECT count(*) FROM (SELECT i.id FROM instances i LEFT JOIN history h ON h.instance_id = i.id AND h.kind = 'completed' AND h.element_id = 'pause' GROUP BY i.id HAVING count(h.id) <> 1) x")" 0
  check "results are right" "$(q "$1" "SELECT sum((variables->>'doubled')::bigint) FROM instances")" "$((n * (n + 1)))"
  check "no jobs, timers or subscriptions left" "$(q "$1" "SELECT (SELECT count(*) FROM jobs) + (SELECT count(*) FROM timers) + (SELECT count(*) FROM subscriptions)")" 0
}

# 1. Crash.
url=${ELVA_TEST_DATABASE_URL/\/elva_test\?//elva_crash_$$?}
psql "$ELVA_TEST_DATABASE_URL" -qc "CREATE DATABASE elva_crash_$$" || exit 1
setup "$url" || exit 1
for round in 1 2 3 4 5; do
  "$elva" serve --no-http --db "$url" --workers 4 --node crash 2>>/tmp/elva-crash-$$.log &
  pid=$!
  pids+=("$pid")
  sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 0.05 + rand() * 0.35 }')"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  echo "crash $round: killed after $(q "$url" "SELECT count(*) FROM instances WHERE status = 'completed'") of $n completed"
done
"$elva" serve --no-http --db "$url" --workers 4 --node crash 2>/tmp/elva-crash-last-$$.log &
pid=$!
pids+=("$pid")
ready /tmp/elva-crash-last-$$.log
wait_done "$url" 120 || echo "FAIL: not finished after the crashes"
kill -INT "$pid"
wait "$pid"
exactly_once "$url"
rm -f /tmp/elva-crash-$$.log /tmp/elva-crash-last-$$.log

# 2. Two nodes.
url=${ELVA_TEST_DATABASE_URL/\/elva_test\?//elva_nodes_$$?}
psql "$ELVA_TEST_DATABASE_URL" -qc "CREATE DATABASE elva_nodes_$$" || exit 1
setup "$url" || exit 1
"$elva" serve --no-http --db "$url" --workers 4 --node a 2>/tmp/elva-node-a-$$.log &
a=$!
"$elva" serve --no-http --db "$url" --workers 4 --node b 2>/tmp/elva-node-b-$$.log &
b=$!
pids+=("$a" "$b")
ready /tmp/elva-node-a-$$.log
ready /tmp/elva-node-b-$$.log
wait_done "$url" 120 || echo "FAIL: two nodes did not finish"
kill -INT "$a" "$b"
wait "$a" "$b"
exactly_once "$url"
check "node a did part of the work" "$(q "$url" "SELECT count(*) > 0 FROM history WHERE actor = 'scheduler:a' AND kind = 'completed' AND element_id = 'work'")" t
check "node b did part of the work" "$(q "$url" "SELECT count(*) > 0 FROM history WHERE actor = 'scheduler:b' AND kind = 'completed' AND element_id = 'work'")" t
rm -f /tmp/elva-node-a-$$.log /tmp/elva-node-b-$$.log

# 3. Database restart, on a private server (the shared one serves other tests).
url=$(ELVA_TEST_PG_DIR=$restart_dir ELVA_TEST_PG_PORT=54330 "$src/tests/support/pg-test-server" start) || exit 1
n=$((n / 2))
setup "$url" || exit 1
"$elva" serve --no-http --db "$url" --workers 4 --node r 2>/tmp/elva-restart-$$.log &
pid=$!
pids+=("$pid")
ready /tmp/elva-restart-$$.log
sleep 0.2  # under load: the engine is up and working when the database goes away
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
echo "before the database stops: $(q "$url" "SELECT count(*) FROM instances WHERE status = 'completed'") of $n completed"
as_pg "$pgbin/pg_ctl" -D "$restart_dir/data" -m fast -w stop >/dev/null
echo "database stopped at $(date +%T)"
sleep 3
as_pg "$pgbin/pg_ctl" -D "$restart_dir/data" -l "$restart_dir/server.log" -w start \
  -o "-c listen_addresses='' -c unix_socket_directories='$restart_dir' -p 54330" >/dev/null
echo "database started at $(date +%T)"
wait_done "$url" 120 || echo "FAIL: not finished after the database restart"
kill -INT "$pid"
wait "$pid"
exactly_once "$url"
check "the engine said it lost and found the database" "$(grep -c -e 'database unavailable' -e 'reachable again' /tmp/elva-restart-$$.log | awk '{print ($1 >= 2) ? "yes" : "no"}')" yes
[ "$(grep -c -e 'database unavailable' -e 'reachable again' /tmp/elva-restart-$$.log)" -ge 2 ] || { echo "the engine's log:"; cat /tmp/elva-restart-$$.log; }
rm -f /tmp/elva-restart-$$.log

[ "$failed" -eq 0 ] && echo "durability: all checks passed"
[ "$failed" -eq 0 ]
