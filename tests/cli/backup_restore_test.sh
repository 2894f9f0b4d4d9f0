#!/usr/bin/env bash
# `elva db backup` and `elva db restore` (docs/operations.md#backup-and-restore) as an
# administrator uses them: a backup taken while `elva serve` works a stream of starts (service
# task, then a timer), restored into a fresh embedded home; every history row and every completed
# instance committed before the backup began is found there again, and the restored counts are
# exactly those the backup reported of its snapshot. A non-empty target is refused without
# --force; a backup of an older schema is migrated on restore; a file that is no backup is refused.
# usage: backup_restore_test.sh ELVA START_MANY SOURCE_DIR
set -uo pipefail
elva=$1
start_many=$2
src=$3
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
source "$(dirname "$0")/fresh_db.sh"
pids=()
extra_cleanup='for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; "$src/tests/cli/stop-embedded.sh" "$tmp/home" >/dev/null 2>&1; psql "$ELVA_TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS elva_old_$$ WITH (FORCE)" >/dev/null 2>&1'
fresh_database "elva_backup_$$"
live=$ELVA_DATABASE_URL
n=${ELVA_BACKUP_INSTANCES:-1500}
check() {  # check DESCRIPTION ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "FAIL: $1: got '$2', expected '$3'"
  fi
}
q() { psql "$1" -qAtc "$2"; }
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/out" "$1"; }

expect 0 "migrate" -- "$elva" db migrate
expect 0 "deploy" -- "$elva" deploy "$src/tests/pg/durable.bpmn"
"$elva" serve --no-http --workers 4 >"$tmp/serve.log" 2>&1 &
pids+=($!)
"$start_many" "$live" durable "$n" >/dev/null 2>"$tmp/start.log" &
starter=$!
pids+=($starter)
# Under load: instances are being started, worked and completed while the backup is taken.
for _ in $(seq 1 200); do
  [ "$(q "$live" "SELECT count(*) FROM instances WHERE status = 'completed'")" -ge 50 ] && break
  sleep 0.1
done
# Everything committed before the backup began (psql's snapshot ends before elva starts).
q "$live" "SELECT id || ' ' || instance_id || ' ' || kind || ' ' || element_id FROM history ORDER BY 1" | sort >"$tmp/before"
q "$live" "SELECT id FROM instances WHERE status = 'completed' ORDER BY 1" | sort >"$tmp/completed_before"
expect 0 "db backup while the engine works" -- "$elva" db backup "$tmp/elva.dump" --format json
reported_history=$(json history)
reported_instances=$(json instances)
reported_completed=$(json completedInstances)
echo "backup: $(wc -l <"$tmp/before") history rows and $(wc -l <"$tmp/completed_before") completed instances before it; its snapshot: $reported_history rows, $reported_instances instances ($reported_completed completed); $(json bytes) bytes"
check "the backup took at least what was committed before it began" "$((reported_history >= $(wc -l <"$tmp/before")))" 1
check "the engine went on working during and after the backup" "$(( $(q "$live" "SELECT count(*) FROM history") > reported_history ))" 1
expect 0 "db backup in text" -- "$elva" db backup "$tmp/again.dump"
contains out "process versions" "says what it backed up"
expect 1 "a backup into a directory that does not exist" -- "$elva" db backup "$tmp/no/such/dir/x.dump"
contains err "cannot be written" "says the file cannot be written"
wait "$starter"
for _ in $(seq 1 120); do
  [ "$(q "$live" "SELECT count(*) FROM instances WHERE status <> 'completed'")" = 0 ] && break
  sleep 0.5
done
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null
q "$live" "SELECT id || ' ' || instance_id || ' ' || kind || ' ' || element_id FROM history ORDER BY 1" | sort >"$tmp/live_after"

# Restore into a fresh embedded home (no --db, no ELVA_DATABASE_URL).
export ELVA_HOME=$tmp/home
expect 0 "db restore into a fresh home" -- env -u ELVA_DATABASE_URL "$elva" db restore "$tmp/elva.dump" --format json
check "restored history rows are the backup's snapshot" "$(json history)" "$reported_history"
check "restored instances are the backup's snapshot" "$(json instances)" "$reported_instances"
check "restored completed instances are the backup's snapshot" "$(json completedInstances)" "$reported_completed"
expect 1 "a second restore into the now non-empty home is refused" -- env -u ELVA_DATABASE_URL "$elva" db restore "$tmp/elva.dump"
contains err "is not empty" "says the target is not empty"
contains err "--force" "says how to replace it anyway"
expect 0 "with --force it replaces it" -- env -u ELVA_DATABASE_URL "$elva" db restore "$tmp/elva.dump" --force
contains out "Restored" "says it restored"
echo "not a dump" >"$tmp/bogus.dump"
expect 1 "a file that is no backup" -- env -u ELVA_DATABASE_URL "$elva" db restore "$tmp/bogus.dump" --force
contains err "is not a backup" "says so"
expect 0 "the restored home still answers after the refused restore" -- env -u ELVA_DATABASE_URL "$elva" instances --state completed --limit 1
contains out "durable" "its instances are there"

# Read the restored cluster directly.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgopts="-c listen_addresses='' -c unix_socket_directories='$ELVA_HOME/pg' -c unix_socket_permissions=0700"
if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pgbin/pg_ctl" -D "$ELVA_HOME/pg/data" -l "$ELVA_HOME/pg/server.log" -w -o "$pgopts" start >/dev/null
else "$pgbin/pg_ctl" -D "$ELVA_HOME/pg/data" -l "$ELVA_HOME/pg/server.log" -w -o "$pgopts" start >/dev/null; fi
restored="postgresql:///elva?host=$ELVA_HOME/pg&user=elva"
q "$restored" "SELECT id || ' ' || instance_id || ' ' || kind || ' ' || element_id FROM history ORDER BY 1" | sort >"$tmp/restored"
q "$restored" "SELECT id FROM instances WHERE status = 'completed' ORDER BY 1" | sort >"$tmp/completed_restored"
check "history rows committed before the backup and missing after the restore" "$(comm -23 "$tmp/before" "$tmp/restored" | wc -l)" 0
check "instances completed before the backup and not completed after the restore" "$(comm -23 "$tmp/completed_before" "$tmp/completed_restored" | wc -l)" 0
check "restored history rows the live database never had" "$(comm -23 "$tmp/restored" "$tmp/live_after" | wc -l)" 0
check "every restored service task completed once per completed instance" \
  "$(q "$restored" "SELECT count(*) FROM instances i WHERE i.status = 'completed' AND (SELECT count(*) FROM history h WHERE h.instance_id = i.id AND h.kind = 'completed' AND h.element_id = 'work') <> 1")" 0
"$src/tests/cli/stop-embedded.sh" "$ELVA_HOME" >/dev/null 2>&1

# A backup of an older schema: migration 007 undone in a copy, backed up, restored: 007 applied.
old=${ELVA_TEST_DATABASE_URL/\/elva_test\?//elva_old_$$?}
psql "$ELVA_TEST_DATABASE_URL" -qc "CREATE DATABASE elva_old_$$" >/dev/null
expect 0 "migrate the older database" -- "$elva" db migrate --db "$old"
expect 0 "deploy into it" -- "$elva" deploy --db "$old" "$src/tests/pg/durable.bpmn"
q "$old" "DROP TABLE attachments, eservice_submissions, eservice_receipts; DELETE FROM elva_schema WHERE version = 7" >/dev/null
expect 0 "back up the older schema" -- "$elva" db backup --db "$old" "$tmp/old.dump"
expect 0 "restore it into a new home" -- env -u ELVA_DATABASE_URL ELVA_HOME="$tmp/home2" "$elva" db restore "$tmp/old.dump"
contains out "applied 007_eservice" "the migrations the backup is older than are applied"
expect 0 "its process is there" -- env -u ELVA_DATABASE_URL ELVA_HOME="$tmp/home2" "$elva" definitions
contains out "durable" "the definition came back"
"$src/tests/cli/stop-embedded.sh" "$tmp/home2" >/dev/null 2>&1

echo "backup and restore: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
