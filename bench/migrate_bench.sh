#!/usr/bin/env bash
# Instance migration throughput (docs/operations.md#migration): N instances of
# tests/pg/migration-v1.bpmn (half at a user task with a timer, half at one that version 2 drops,
# mapped with --map b=archive), then `elva migrate dry-run` and `elva migrate run` of all of them
# to version 2, timed from outside as an administrator would see it. Prints one JSON line.
# usage: bench/migrate_bench.sh DATABASE_URL [N]   (an empty, migrated-or-not database)
set -euo pipefail
cd "$(dirname "$0")/.."
url=$1
n=${2:-10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/cli/elva db migrate --db "$url" >/dev/null
build/cli/elva deploy --db "$url" tests/pg/migration-v1.bpmn >/dev/null
build/tests/elva_start_many "$url" bulk "$n" >/dev/null
build/cli/elva deploy --db "$url" tests/pg/migration-v2.bpmn >/dev/null
build/cli/elva migrate plan bulk --from 1 --to 2 --map b=archive --db "$url" --out "$tmp/plan.json" >/dev/null
now() { date +%s.%N; }
t0=$(now)
build/cli/elva migrate dry-run "$tmp/plan.json" --db "$url" --format json >"$tmp/dry.json"
t1=$(now)
build/cli/elva migrate run "$tmp/plan.json" --db "$url" --reason bench --batch 1000 --format json >"$tmp/run.json" 2>/dev/null
t2=$(now)
python3 - "$n" "$t0" "$t1" "$t2" "$tmp/dry.json" "$tmp/run.json" <<'PY'
import json, sys
n, t0, t1, t2 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
dry, run = json.load(open(sys.argv[5])), json.load(open(sys.argv[6]))
print(json.dumps({"bench": "migrate", "instances": n,
                  "dry_run_s": round(t1 - t0, 2), "dry_run_ms_per_instance": round((t1 - t0) * 1000 / n, 3),
                  "run_s": round(t2 - t1, 2), "run_instances_per_s": round(n / (t2 - t1)),
                  "dry_counts": dry["counts"], "run_counts": run["counts"]}))
PY
